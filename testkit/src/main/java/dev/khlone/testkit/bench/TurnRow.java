package dev.khlone.testkit.bench;

import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.testkit.fakebrain.FakeBrain;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Row 3: what the daemon adds to a turn. A trivial task on the persistent fake brain, timed from
 * submit to TaskEnded on a bare socket client, less the same fake brain's own turn on the same
 * prompt when run alone, the two interleaved; the share is the median of the paired differences.
 */
final class TurnRow implements Bench.Rows {
    private static final String TITLE = "daemon's own share per turn (p50)";
    private static final String GOAL = "≤ 3 ms p50";
    private static final String PROMPT = "hello";

    @Override
    public List<Row> measure(Bench bench) throws Exception {
        bench.note("3: turns through the daemon and on the fake brain alone");
        Path dir = FakeBrainService.zone(bench.khlone, "turn");
        Proc.timeMs(bench.khlone.command(dir, "status"));
        Path socket = bench.khlone.locations().socket(bench.khlone.zone(dir));
        Path alone = bench.khlone.root().resolve("fake-alone");
        FakeBrain.persistent(alone);
        ProcessBuilder pb = new ProcessBuilder(alone.resolve("fake-brain.sh").toString(), "--series", "bench-alone", "--mode", "act");
        pb.environment().put("FAKE_BRAIN_HOME", alone.toString());
        Process brain = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ZoneClient.warm();
        try (ZoneClient client = new ZoneClient(socket);
             BufferedReader fromBrain = new BufferedReader(new InputStreamReader(brain.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream toBrain = brain.getOutputStream();
            List<Double> through = new ArrayList<>();
            List<Double> own = new ArrayList<>();
            List<Double> share = new ArrayList<>();
            for (int i = -3; i < bench.size.turns(); i++) { // three turns to warm both up
                double daemon = daemonTurn(client);
                double brainAlone = brainTurn(toBrain, fromBrain);
                if (i >= 0) {
                    through.add(daemon);
                    own.add(brainAlone);
                    share.add(daemon - brainAlone);
                }
            }
            Figure khlone = Figure.of("share", "ms", share,
                    "submit→TaskEnded " + Figure.of("", "ms", through).text() + " on a bare socket client");
            Figure anchor = Figure.of("the fake brain's own turn", "ms", own, "fake-brain.sh alone, persistent, same prompt");
            return List.of(new Row("3", TITLE, khlone, List.of(anchor), GOAL, khlone.median() <= 3.0, null));
        } finally {
            brain.destroy();
        }
    }

    @Override
    public List<Row> unmeasured(String why) {
        return List.of(new Row("3", TITLE, Figure.missing("share", "ms", why), List.of(), GOAL, null, null));
    }

    static double daemonTurn(ZoneClient client) throws IOException {
        long start = System.nanoTime();
        TaskInfo ended = client.await(client.submit(PROMPT, null));
        double ms = (System.nanoTime() - start) / 1e6;
        if (ended.status() != TaskInfo.Status.DONE) {
            throw new IOException("the trivial task ended " + ended.status().wire() + ": " + ended.error());
        }
        return ms;
    }

    static double brainTurn(OutputStream toBrain, BufferedReader fromBrain) throws IOException {
        long start = System.nanoTime();
        toBrain.write((Base64.getEncoder().encodeToString(PROMPT.getBytes(StandardCharsets.UTF_8)) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        toBrain.flush();
        String line;
        while ((line = fromBrain.readLine()) != null) {
            if (line.contains("\"type\":\"done\"")) {
                return (System.nanoTime() - start) / 1e6;
            }
        }
        throw new IOException("the fake brain ended without finishing its turn");
    }
}
