package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Parameters(index = "0", paramLabel = "CLONE", description = "The clone's slug, e.g. mechanic.1 (khlone status lists them).")
    String clone;

    @Override
    public Integer call() {
        String slug = slug(clone, "kill");
        try (Connection c = new DaemonConnector(zoneOption.zone(), zoneOption.locations()).connectOrStart().connection()) {
            c.call(new Request.Kill(c.id(), slug));
        }
        spec.commandLine().getOut().printf("killed %s: its brain has ended, its tasks are cancelled, and it has left the crew%n", slug);
        return ExitCode.OK;
    }

    /** A clone named exactly, {@code role.n}, or a usage error that says so. */
    static String slug(String text, String command) {
        Who who;
        try {
            who = Who.parse(text);
        } catch (IllegalArgumentException e) {
            throw new KhloneException(ExitCode.USAGE, e.getMessage(), "khlone status lists the crew");
        }
        if (!who.exact() || who.brain() != null) {
            throw new KhloneException(ExitCode.USAGE, command + " takes one clone by its slug, role.n, not '" + text + "'",
                    "e.g. khlone " + command + " mechanic.1; khlone status lists the crew");
        }
        return who.role() + "." + who.index();
    }
}
