package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Zone;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Say whether the zone's daemon is running, without starting it.",
                "Exits 0 when it runs, 3 when it does not."})
final class DaemonStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Override
    public Integer call() {
        DaemonConnector daemon = zoneOption.daemon();
        Zone zone = daemon.zone();
        PrintWriter out = spec.commandLine().getOut();
        DaemonConnector.Found found = daemon.find();
        if (found instanceof DaemonConnector.Silent silent) {
            throw new KhloneException(ExitCode.UNREACHABLE, "the daemon of zone " + zone.id() + " (pid "
                    + silent.pid() + ") holds the zone but " + (silent.why() == null ? "does not answer on its socket"
                    : "speaks another protocol: " + silent.why()),
                    "restart it: khlone daemon restart");
        }
        if (!(found instanceof DaemonConnector.Answering answering)) {
            out.printf("no daemon is running for zone %s%n", zone.id());
            return ExitCode.UNREACHABLE;
        }
        try (Connection c = answering.connection()) {
            Reply.ZoneStatus s = c.call(new Request.Status(c.id(), null), Reply.ZoneStatus.class);
            out.printf("the daemon of zone %s is running: pid %d, up %s, khlone %s, on %s%n", s.zone(), s.pid(),
                    Render.duration(s.uptimeMs()), s.version(), c.socket());
        }
        return ExitCode.OK;
    }
}
