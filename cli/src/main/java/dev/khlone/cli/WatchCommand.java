package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Watch a clone live, read-only, until ctrl-c; the clone keeps working.",
                "Shows its recent history first (or its screen, while a person talks to it),",
                "then what it does: prompts, words, tool calls, results."})
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--who", paramLabel = "WHO", converter = Clones.WhoConverter.class,
            description = "Which clone: role, role.n, @brain (default: the hero).")
    Who who;

    @Parameters(arity = "0..1", paramLabel = "CLONE", converter = Clones.WhoConverter.class, description = "The same as --who.")
    Who clone;

    static final class Format {
        @Option(names = "--raw", description = "The brain's output bytes as they are.")
        boolean raw;

        @Option(names = "--events", description = "One JSON object per line, for scripts.")
        boolean events;
    }

    @ArgGroup(exclusive = true)
    Format format = new Format();

    private final Host host;

    WatchCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        who = Clones.either(clone, who, "watch");
        WatchView.Style style = format.raw ? WatchView.Style.RAW : format.events ? WatchView.Style.EVENTS : WatchView.Style.RENDERED;
        try (Connection c = zoneOption.connect()) {
            String id = c.id();
            Reply.Watching watching = c.call(new Request.Watch(id, Clones.wire(who), format.raw), Reply.Watching.class);
            if (host.stderrIsTerminal()) {
                spec.commandLine().getErr().println("watching " + watching.slug() + " — ctrl-c leaves it running");
            }
            stream(c, id, new WatchView(style, host.stdout()));
        }
        throw new KhloneException(ExitCode.UNREACHABLE, "the zone daemon went away", "khlone status starts it again");
    }

    /** Shows the stream {@code id} until the connection ends. */
    static void stream(Connection c, String id, WatchView view) {
        Reply r;
        while ((r = c.next()) != null) {
            if (id.equals(r.re())) {
                view.show(r, c.ready());
            }
        }
    }
}
