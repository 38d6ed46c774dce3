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

@Command(name = "kill", mixinStandardHelpOptions = true,
        description = {"Shut a clone down and take it off the crew.",
                "Its brain ends; its running and queued tasks are cancelled."})
final class KillCommand implements Callable<Integer> {
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

    @Override
    public Integer call() {
        String slug = Clones.slug(Clones.either(clone, who, "kill"), "kill");
        try (Connection c = zoneOption.connect()) {
            c.call(new Request.Kill(c.id(), slug), Reply.Ok.class);
        }
        spec.commandLine().getOut().printf("killed %s: its brain has ended, its tasks are cancelled, and it has left the crew%n", slug);
        return ExitCode.OK;
    }
}
