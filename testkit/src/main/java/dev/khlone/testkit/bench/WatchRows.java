package dev.khlone.testkit.bench;

import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rows 4 and 5: a flood of brain output ({@code flood N} of the fake brain, ~1 KB text events)
 * to one {@code watch --raw}, and to eight watchers at once, against a plain PTY and a tmux pane
 * fed the same bytes by {@code cat}.
 */
final class WatchRows implements Bench.Rows {
    private static final String ONE = "brain output to one `watch --raw`";
    private static final String EIGHT = "8 watchers (4 `--raw`, 4 rendered)";
    private static final String ONE_GOAL = "≥ 1.0× a tmux pane";
    private static final String EIGHT_GOAL = "all see every turn's end; per watcher (median) ≥ tmux's per client";
    private static final int LETTERS_PER_EVENT = 999;

    @Override
    public List<Row> measure(Bench bench) throws Exception {
        return List.of(one(bench), eight(bench));
    }

    @Override
    public List<Row> unmeasured(String why) {
        return List.of(new Row("4", ONE, Figure.missing("watcher", "MB/s", why), List.of(), ONE_GOAL, null, null),
                new Row("5", EIGHT, Figure.missing("per watcher", "MB/s", why), List.of(), EIGHT_GOAL, null, null));
    }

    private static Row one(Bench bench) throws Exception {
        long size = bench.size.floodBytes();
        bench.note("4: " + mb(size) + " to one raw watcher, a plain PTY, a tmux pane");
        Path dir = FakeBrainService.zone(bench.khlone, "flood-one");
        Path file = floodFile(bench.khlone.root(), size);
        List<Double> khlone = new ArrayList<>();
        List<Double> pty = new ArrayList<>();
        List<Double> tmux = new ArrayList<>();
        int missed = 0;
        try (ZoneClient client = attach(bench, dir); Tap watcher = watch(bench, dir, true)) {
            warmUp(client, List.of(watcher));
            for (int run = 0; run < bench.size.floodRuns(); run++) {
                long bytes = size + run * 1024L;
                String end = ended(bytes, true);
                watcher.expect(end);
                long before = watcher.bytes();
                long start = System.nanoTime();
                String task = client.submit("flood " + bytes, null);
                if (!watcher.awaitMarker(10_000, 300_000)) {
                    missed++;
                }
                client.await(task);
                khlone.add((watcher.bytesAtEnd() - before) / ((watcher.endNanos() - start) / 1e9) / 1e6);
                pty.add(plainPty(file));
                tmux.add(TmuxPane.cat(bench.khlone.root(), "one-" + run, file, 1).mbPerSecond());
            }
        }
        Figure figure = Figure.of("watcher", "MB/s", khlone, "bytes at the watcher from submit to the turn's last line"
                + (missed > 0 ? "; it never saw the turn's end in " + missed + " of " + khlone.size() + " runs" : ""));
        Figure pane = Figure.of("tmux pane", "MB/s", tmux, "`cat` of the same bytes in a pane, one client attached");
        return new Row("4", mb(size) + " of " + ONE, figure,
                List.of(pane, Figure.of("plain PTY", "MB/s", pty, "`script -q -c 'cat FILE'`")), ONE_GOAL,
                missed == 0 && figure.median() >= pane.median(), null);
    }

    private static Row eight(Bench bench) throws Exception {
        long size = bench.size.fanOutBytes();
        bench.note("5: " + mb(size) + " to 8 watchers, tmux with 8 clients");
        Path dir = FakeBrainService.zone(bench.khlone, "flood-eight");
        Path file = floodFile(bench.khlone.root(), size);
        List<Tap> watchers = new ArrayList<>();
        try (ZoneClient client = attach(bench, dir)) {
            for (int i = 0; i < 8; i++) {
                watchers.add(watch(bench, dir, raw(i)));
            }
            warmUp(client, watchers);
            List<Double> rates = new ArrayList<>();
            List<Double> rawShares = new ArrayList<>();
            List<Double> renderedShares = new ArrayList<>();
            List<Double> tmux = new ArrayList<>();
            int saw = 0;
            int rawMissed = 0;
            int tmuxSaw = 0;
            for (int run = 0; run < bench.size.floodRuns(); run++) {
                long bytes = size + run * 1024L;
                long[] before = new long[8];
                for (int i = 0; i < 8; i++) {
                    watchers.get(i).expect(ended(bytes, raw(i)));
                    before[i] = watchers.get(i).letters();
                }
                long start = System.nanoTime();
                client.await(client.submit("flood " + bytes, null));
                long expected = bytes / 1024 * LETTERS_PER_EVENT;
                for (int i = 0; i < 8; i++) {
                    Tap w = watchers.get(i);
                    if (w.awaitMarker(10_000, 120_000)) {
                        saw++;
                    } else if (raw(i)) {
                        rawMissed++;
                    }
                    double share = Math.min(1.0, (double) (w.letters() - before[i]) / expected);
                    (raw(i) ? rawShares : renderedShares).add(share * 100);
                    rates.add(share * bytes / ((w.endNanos() - start) / 1e9) / 1e6);
                }
                TmuxPane.Result pane = TmuxPane.cat(bench.khlone.root(), "eight-" + run, file, 8);
                tmux.add(pane.mbPerSecond());
                tmuxSaw += pane.clientsThatSawTheEnd();
            }
            int watched = 8 * bench.size.floodRuns();
            Figure figure = Figure.of("per watcher", "MB/s", rates, String.format(Locale.ROOT,
                    "%d/%d watcher-turns saw the turn's last line (missed: %d raw, %d rendered); share of the flood a"
                            + " watcher got: raw %s, rendered %s",
                    saw, watched, rawMissed, watched - saw - rawMissed, Figure.of("", "%", rawShares).text(), Figure.of("", "%", renderedShares).text()));
            Figure anchor = Figure.of("tmux pane, 8 clients", "MB/s", tmux, String.format(Locale.ROOT,
                    "8 headless clients attached (each in a `script` PTY); %d/%d client-runs showed the line after the file",
                    tmuxSaw, watched));
            return new Row("5", EIGHT + ", " + mb(size), figure, List.of(anchor), EIGHT_GOAL,
                    saw == watched && figure.median() >= anchor.median(), null);
        } finally {
            watchers.forEach(Tap::close);
        }
    }

    private static boolean raw(int watcher) {
        return watcher % 2 == 0;
    }

    private static ZoneClient attach(Bench bench, Path dir) throws Exception {
        Proc.timeMs(bench.khlone.command(dir, "status"));
        ZoneClient client = new ZoneClient(bench.khlone.locations().socket(bench.khlone.zone(dir)));
        client.await(client.submit("enroll the hero", null)); // a watch needs a clone to watch
        return client;
    }

    private static Tap watch(Bench bench, Path dir, boolean raw) throws IOException {
        ProcessBuilder pb = raw ? bench.khlone.command(dir, "watch", "--raw") : bench.khlone.command(dir, "watch");
        return new Tap(pb.redirectError(ProcessBuilder.Redirect.DISCARD).start(), raw ? "raw watcher" : "watcher");
    }

    /**
     * Turns until one is seen by every watcher: then all are attached (a raw watcher shows nothing
     * of what ran before it came).
     */
    private static void warmUp(ZoneClient client, List<Tap> watchers) throws Exception {
        for (int attempt = 1; attempt <= 20; attempt++) {
            String marker = "echo: warm-up " + attempt;
            for (Tap w : watchers) {
                w.expect(marker);
            }
            client.await(client.submit("warm-up " + attempt, null));
            boolean all = true;
            for (Tap w : watchers) {
                all &= w.awaitMarker(1000, 1000);
            }
            if (all) {
                return;
            }
        }
        throw new IllegalStateException("the watchers did not all show a turn within 20 tries");
    }

    /**
     * The turn's last line for {@code flood bytes}: the fake brain's done event for a raw watcher,
     * the result line for a rendered one.
     */
    private static String ended(long bytes, boolean raw) {
        String result = "flooded " + bytes / 1024 + " events";
        return raw ? "\"result\":\"" + result + "\"" : "✓ " + result;
    }

    /** The bytes the fake brain writes for {@code flood size}. */
    private static Path floodFile(Path root, long size) throws IOException {
        Path file = root.resolve("flood-" + size + ".jsonl");
        if (!Files.exists(file)) {
            byte[] line = ("{\"type\":\"text\",\"text\":\"" + "y".repeat(1000) + "\"}\n").getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                for (long i = 0; i < size / 1024; i++) {
                    out.write(line);
                }
            }
        }
        return file;
    }

    private static double plainPty(Path file) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("script", "-q", "-c", "cat " + file, "/dev/null")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        p.waitFor();
        return Files.size(file) / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static String mb(long bytes) {
        return bytes / 1_000_000 + " MB";
    }
}
