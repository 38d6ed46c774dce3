package dev.khlone.cli;

import dev.khlone.protocol.zone.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code khlone top}: checks the terminal and finds the zones, then hands over to {@link Dashboard}.
 * Names no JLine type itself: picocli loads this class for {@code khlone --help} too.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"A live dashboard of the crew: one row per clone (state, task and its age, queue, the prompt,",
                "what the brain said last, tokens, cost), updated as the daemon reports changes.",
                "Keys: up/down or j/k select, enter talks to the clone (ctrl-] comes back), w watches it",
                "(q comes back), c cancels its running task (asks first), q or ctrl-c quits."})
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--all", description = "Every zone whose daemon runs, not just this one (starts none).")
    boolean all;

    private final Host host;

    TopCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        if (!host.stdinIsTerminal() || !host.stdoutIsTerminal()) {
            throw new KhloneException(ExitCode.USAGE, "khlone top needs a terminal: its "
                    + (!host.stdinIsTerminal() ? "stdin" : "stdout") + " is not one",
                    "run it in a terminal; scripts can use khlone status --json or khlone zones --json");
        }
        String keyName = host.detachKey();
        byte detachKey = TalkSession.detachKey(keyName);
        List<TopCrews.Followed> zones = new ArrayList<>();
        try {
            if (all) {
                for (Zone zone : Zones.recorded(host.locations())) {
                    DaemonConnector daemon = new DaemonConnector(zone, host);
                    if (daemon.find() instanceof DaemonConnector.Answering answering) {
                        zones.add(new TopCrews.Followed(daemon, answering.connection()));
                    }
                }
                if (zones.isEmpty()) {
                    throw new KhloneException(ExitCode.FAILED, "no zone's daemon is running",
                            "khlone zones lists the zones; khlone top without --all starts this zone's");
                }
            } else {
                DaemonConnector daemon = zoneOption.daemon();
                zones.add(new TopCrews.Followed(daemon, daemon.connectOrStart().connection()));
            }
            return new Dashboard(host, zones, detachKey, keyName, spec.commandLine().getErr()).run();
        } finally {
            zones.forEach(z -> z.connection().close());
        }
    }
}
