package dev.khlone.testkit.bench;

import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Row 6: the daemon's resident memory idle and with idle clones, and its threads per clone, against a tmux server's. */
final class MemoryRows implements Bench.Rows {
    private static final String IDLE = "daemon RSS, idle";
    private static final String IDLE_GOAL = "≤ 64 MiB";
    private static final String CREW_GOAL = "≤ 96 MiB";
    private static final long SETTLE_MS = 1000;

    @Override
    public List<Row> measure(Bench bench) throws Exception {
        int clones = bench.size.clones();
        bench.note("6: daemon RSS idle and with " + clones + " idle clones, a tmux server with " + clones + " panes");
        Path dir = FakeBrainService.zone(bench.khlone, "crew");
        Proc.timeMs(bench.khlone.command(dir, "status"));
        long pid = bench.khlone.daemonPid(bench.khlone.zone(dir)).orElseThrow(() -> new IllegalStateException("no daemon pid"));
        Thread.sleep(SETTLE_MS);
        double idle = Proc.rssMib(pid);
        long idleThreads = Proc.status(pid, "Threads");
        try (ZoneClient client = new ZoneClient(bench.khlone.locations().socket(bench.khlone.zone(dir)))) {
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < clones; i++) {
                tasks.add(client.submit("hello", "bench@fake++"));
            }
            for (String task : tasks) {
                client.await(task);
            }
        }
        Thread.sleep(SETTLE_MS);
        double crew = Proc.rssMib(pid);
        double perClone = (double) (Proc.status(pid, "Threads") - idleThreads) / clones;
        double tmux = tmuxServer(bench.khlone.root(), clones);
        Figure anchor = Figure.single("tmux server, " + clones + " panes", "MiB", tmux, null);
        Figure crewFigure = Figure.single("RSS", "MiB", crew,
                Figure.number(perClone) + " threads per clone (" + idleThreads + " idle)");
        return List.of(new Row("6a", IDLE, Figure.single("RSS", "MiB", idle, null), List.of(anchor), IDLE_GOAL, idle <= 64,
                        "one sample, " + SETTLE_MS + " ms after the daemon's first status"),
                new Row("6b", "daemon RSS, " + clones + " idle clones (fake brains)", crewFigure, List.of(anchor), CREW_GOAL,
                        clones == 32 ? crew <= 96 : null, clones == 32 ? null : "not judged: the goal is for 32 clones"));
    }

    @Override
    public List<Row> unmeasured(String why) {
        return List.of(new Row("6a", IDLE, Figure.missing("RSS", "MiB", why), List.of(), IDLE_GOAL, null, null),
                new Row("6b", "daemon RSS, 32 idle clones", Figure.missing("RSS", "MiB", why), List.of(), CREW_GOAL, null, null));
    }

    /** RSS of a tmux server holding {@code panes} panes, each an idle shell. */
    private static double tmuxServer(Path root, int panes) throws Exception {
        String socket = root.resolve("crew.tmux").toString();
        Proc.run(List.of("tmux", "-S", socket, "new-session", "-d", "-x", "200", "-y", "50"));
        try {
            for (int i = 1; i < panes; i++) {
                Proc.run(List.of("tmux", "-S", socket, "new-window", "-d"));
            }
            long pid = Long.parseLong(Proc.run(List.of("tmux", "-S", socket, "display-message", "-p", "#{pid}")).trim());
            Thread.sleep(SETTLE_MS);
            return Proc.rssMib(pid);
        } finally {
            Proc.run(List.of("tmux", "-S", socket, "kill-server"));
        }
    }
}
