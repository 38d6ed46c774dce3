package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Parameters(index = "0", paramLabel = "CLONE", converter = Clones.SlugConverter.class,
            description = "The clone's slug, e.g. mechanic.1 (khlone status lists them).")
    String slug;

    @Override
    public Integer call() {
        try (Connection c = zoneOption.connect()) {
            c.call(new Request.Reboot(c.id(), slug), Reply.Ok.class);
        }
        spec.commandLine().getOut().printf("rebooted %s: its brain restarted on the same series%n", slug);
        return ExitCode.OK;
    }
}
