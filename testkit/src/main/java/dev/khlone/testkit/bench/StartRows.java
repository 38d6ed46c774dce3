package dev.khlone.testkit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Rows 1 and 2: a client's start-up against a running daemon, and a cold start that starts one. */
final class StartRows implements Bench.Rows {
    private static final String WARM = "warm `khlone status` (daemon running)";
    private static final String COLD = "cold `khlone status` in a new zone (daemon auto-start)";
    private static final String WARM_GOAL = "≤ 2.0× hello-world";
    private static final String COLD_GOAL = "≤ 400 ms";

    @Override
    public List<Row> measure(Bench bench) throws Exception {
        return List.of(warm(bench), cold(bench));
    }

    @Override
    public List<Row> unmeasured(String why) {
        return List.of(new Row("1", WARM, Figure.missing("status", "ms", why), List.of(), WARM_GOAL, null, null),
                new Row("2", COLD, Figure.missing("status", "ms", why), List.of(), COLD_GOAL, null, null));
    }

    private static Row warm(Bench bench) throws Exception {
        bench.note("1: warm status, JVM hello-world, tmux ls");
        Path dir = bench.khlone.newDirectory("warm");
        Path tmux = bench.khlone.root().resolve("warm.tmux");
        Proc.run(List.of("tmux", "-S", tmux.toString(), "new-session", "-d"));
        try {
            List<String> hello = new ArrayList<>(bench.javaWithLauncherFlags());
            hello.addAll(List.of("-cp", bench.testkit.toString(), Hello.class.getName()));
            for (int i = 0; i < 2; i++) { // the first starts the daemon; both warm the page cache
                Proc.timeMs(bench.khlone.command(dir, "status"));
                Proc.timeMs(new ProcessBuilder(hello));
            }
            List<Double> status = new ArrayList<>();
            List<Double> jvm = new ArrayList<>();
            List<Double> ls = new ArrayList<>();
            for (int i = 0; i < bench.size.startRuns(); i++) {
                status.add(Proc.timeMs(bench.khlone.command(dir, "status")));
                jvm.add(Proc.timeMs(new ProcessBuilder(hello)));
                ls.add(Proc.timeMs(new ProcessBuilder("tmux", "-S", tmux.toString(), "ls")));
            }
            Figure khlone = Figure.of("status", "ms", status);
            Figure anchor = Figure.of("JVM hello-world", "ms", jvm, "the same java and launcher flags, no class-data archive of its own");
            double ratio = khlone.median() / anchor.median();
            // Phases of a status measured on JDK 17 (2026-11-29), class-load timestamps: see the commit.
            String note = ratio <= 2.0 ? null : "what is left is mostly the JDK's: opening a unix socket initialises the"
                    + " security providers (~7 ms) and the selector provider (~4 ms); picocli is off this path";
            return new Row("1", WARM, khlone, List.of(anchor, Figure.of("`tmux ls`", "ms", ls)), WARM_GOAL, ratio <= 2.0, note);
        } finally {
            Proc.run(List.of("tmux", "-S", tmux.toString(), "kill-server"));
        }
    }

    private static Row cold(Bench bench) throws Exception {
        bench.note("2: cold status in new zones, tmux cold server");
        List<Double> status = new ArrayList<>();
        List<Double> tmux = new ArrayList<>();
        for (int i = 0; i < bench.size.coldRuns(); i++) {
            Path dir = bench.khlone.newDirectory("cold-" + i);
            status.add(Proc.timeMs(bench.khlone.command(dir, "status")));
            Proc.timeMs(bench.khlone.command(dir, "daemon", "stop"));
            String socket = bench.khlone.root().resolve("cold-" + i + ".tmux").toString();
            tmux.add(Proc.timeMs(new ProcessBuilder("tmux", "-S", socket, "new-session", "-d")));
            Proc.run(List.of("tmux", "-S", socket, "kill-server"));
        }
        Figure khlone = Figure.of("status", "ms", status);
        return new Row("2", COLD, khlone, List.of(Figure.of("tmux cold server (`new -d`)", "ms", tmux)), COLD_GOAL,
                khlone.median() <= 400, null);
    }
}
