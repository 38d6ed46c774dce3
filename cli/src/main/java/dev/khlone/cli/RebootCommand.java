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
        description = {"Restart a clone's brain on the same conversation.",
                "The new brain process resumes the clone's series; this also revives a failed clone."})
final class RebootCommand implements Callable<Integer> {
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
        String slug = Clones.slug(Clones.either(clone, who, "reboot"), "reboot");
        try (Connection c = zoneOption.connect()) {
            c.call(new Request.Reboot(c.id(), slug), Reply.Ok.class);
        }
        spec.commandLine().getOut().printf("rebooted %s: its brain restarted on the same series%n", slug);
        return ExitCode.OK;
    }
}
