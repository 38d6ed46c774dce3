package dev.khlone.cli;

import dev.khlone.protocol.Processes;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Zone;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the zone's daemon in order, and wait until it has exited and removed its socket.")
final class DaemonStopCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    DaemonStopCommand(Host host) {
        this.host = host;
    }

    @Option(names = "--all", description = "Stop the daemon of every zone of yours (khlone zones lists them).")
    boolean all;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!all) {
            stop(zoneOption.daemon(), out);
            return ExitCode.OK;
        }
        if (zoneOption.root != null) {
            throw new KhloneException(ExitCode.USAGE, "--all stops every zone's daemon: name no --zone besides",
                    "khlone daemon stop --all, or khlone daemon stop --zone " + zoneOption.root);
        }
        int stopped = 0;
        for (Zone zone : Zones.recorded(zoneOption.locations())) {
            DaemonConnector daemon = new DaemonConnector(zone, host);
            if (!(daemon.find() instanceof DaemonConnector.None)) {
                stop(daemon, out);
                stopped++;
            }
        }
        if (stopped == 0) {
            out.println("no daemon is running");
        }
        return ExitCode.OK;
    }

    /**
     * Asks the daemon to stop; one that holds the zone but cannot be asked (its socket deleted or
     * taken, the daemon wedged, or of a khlone that speaks another protocol) is sent SIGTERM, which
     * stops it in the same order.
     */
    static void stop(DaemonConnector daemon, PrintWriter out) {
        Zone zone = daemon.zone();
        DaemonConnector.Found found = daemon.find();
        long pid;
        Optional<Path> socket;
        String how;
        if (found instanceof DaemonConnector.Answering answering) {
            try (Connection c = answering.connection()) {
                pid = c.call(new Request.Status(c.id(), null), Reply.ZoneStatus.class).pid();
                c.call(new Request.Stop(c.id()), Reply.Ok.class);
                socket = Optional.of(c.socket());
            }
            how = "";
        } else if (found instanceof DaemonConnector.Silent silent) {
            pid = silent.pid();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            socket = Optional.empty();
            how = silent.why() == null ? ", which did not answer on its socket, with SIGTERM"
                    : ", which speaks another protocol (" + silent.why() + "), with SIGTERM";
        } else {
            out.printf("no daemon is running for zone %s%n", zone.id());
            return;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (Processes.running(pid) || socket.filter(s -> Files.exists(s, LinkOption.NOFOLLOW_LINKS)).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new KhloneException(ExitCode.FAILED,
                        "the daemon of zone " + zone.id() + " (pid " + pid + ") did not stop within "
                                + TIMEOUT.toSeconds() + " s",
                        "see its log (" + daemon.locations().daemonLog(zone) + "), or end it: kill -9 " + pid);
            }
            DaemonConnector.sleep(Duration.ofMillis(20));
        }
        out.printf("stopped the daemon of zone %s (pid %d)%s%n", zone.id(), pid, how);
    }
}
