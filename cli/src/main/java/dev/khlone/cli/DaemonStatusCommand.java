package dev.khlone.cli;

import dev.khlone.protocol.wire.StatusRequest;
import dev.khlone.protocol.wire.ZoneStatus;
import dev.khlone.protocol.zone.Zone;
import java.io.PrintWriter;
import java.util.Optional;
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
        Zone zone = zoneOption.zone();
        PrintWriter out = spec.commandLine().getOut();
        Optional<Connection> running = new DaemonConnector(zone, zoneOption.locations()).ifRunning();
        if (running.isEmpty()) {
            out.printf("no daemon is running for zone %s%n", zone.id());
            return ExitCode.UNREACHABLE;
        }
        try (Connection c = running.get()) {
            ZoneStatus s = (ZoneStatus) c.call(new StatusRequest(c.id(), null));
            out.printf("the daemon of zone %s is running: pid %d, up %s, khlone %s%n", s.zone(), s.pid(),
                    Render.duration(s.uptimeMs()), s.version());
        }
        return ExitCode.OK;
    }
}
