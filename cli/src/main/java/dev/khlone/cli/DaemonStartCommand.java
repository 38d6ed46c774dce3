package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start the zone's daemon in the background, unless it is already running.")
final class DaemonStartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Override
    public Integer call() {
        start(zoneOption.daemon(), spec.commandLine().getOut());
        return ExitCode.OK;
    }

    static void start(DaemonConnector daemon, PrintWriter out) {
        DaemonConnector.Connected connected = daemon.connectOrStart();
        try (Connection c = connected.connection()) {
            Reply.ZoneStatus status = c.call(new Request.Status(c.id(), null), Reply.ZoneStatus.class);
            out.printf("%s the daemon of zone %s (pid %d)%n", connected.started() ? "started" : "already running:",
                    daemon.zone().id(), status.pid());
        }
    }
}
