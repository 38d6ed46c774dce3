package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "reboot", mixinStandardHelpOptions = true,
        description = {"Restart a clone's brain on the same conversation (or, --fresh, on a new one).",
                "The new brain process resumes the clone's series; this also revives a failed clone.",
                "A running task is cut short and runs again first, without counting as a failed attempt."})
final class RebootCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Parameters(arity = "0..1", paramLabel = "CLONE", converter = Clones.WhoConverter.class,
            description = "The clone's slug, e.g. mechanic.1 (khlone status lists them).")
    Who clone;

    @Option(names = "--who", paramLabel = "CLONE", converter = Clones.WhoConverter.class,
            description = "The same as CLONE.")
    Who who;

    @Option(names = "--fresh", description = {"Start a new conversation: the brain forgets everything said so far"
            + " (khlone log still shows it). A running task runs again in the new conversation."})
    boolean fresh;

    RebootCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        String slug = Clones.slug(Clones.either(clone, who, "reboot"), "reboot");
        try (Connection c = zoneOption.connect()) {
            c.call(new Request.Reboot(c.id(), slug, fresh, host.brainEnvironment()), Reply.Ok.class);
        }
        spec.commandLine().getOut().printf(fresh ? "rebooted %s on a fresh conversation: its brain remembers nothing said before%n"
                : "rebooted %s: its brain restarted on the same series%n", slug);
        return ExitCode.OK;
    }
}
