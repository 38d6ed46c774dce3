package dev.khlone.testkit.bench;

import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakebrain.FakeBrain;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Row 3 for two or more installed layouts at once, to tell whether a change moves it on a busy
 * machine: each layout's daemon runs side by side, and their turns and the fake brain's own turn
 * alone are interleaved one by one (who goes first rotates), so that load hits all alike. Prints
 * each layout's share (p50 of its turn less the brain's turn that followed it) and the anchor.
 * Between runs of {@code scripts/bench --rows 3} the load changes more than a change moves it.
 *
 * <pre>java -cp testkit.jar:protocol.jar:jackson-core.jar dev.khlone.testkit.bench.TurnDuel TURNS DIST...</pre>
 * where each DIST is an installed layout ({@code PREFIX/share/khlone}).
 */
public final class TurnDuel {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: TurnDuel TURNS DIST DIST...");
            System.exit(2);
        }
        int turns = Integer.parseInt(args[0]);
        List<String> dists = List.of(args).subList(1, args.length);
        List<KhloneHarness> harnesses = new ArrayList<>();
        List<ZoneClient> clients = new ArrayList<>();
        ZoneClient.warm();
        try {
            for (String dist : dists) {
                System.setProperty("khlone.dist", dist);
                KhloneHarness khlone = new KhloneHarness();
                harnesses.add(khlone);
                Path dir = FakeBrainService.zone(khlone, "turn");
                Proc.timeMs(khlone.command(dir, "status"));
                clients.add(new ZoneClient(khlone.locations().socket(khlone.zone(dir))));
            }
            Path alone = harnesses.get(0).root().resolve("fake-alone");
            FakeBrain.persistent(alone);
            ProcessBuilder pb = new ProcessBuilder(alone.resolve("fake-brain.sh").toString(), "--series", "duel-alone", "--mode", "act");
            pb.environment().put("FAKE_BRAIN_HOME", alone.toString());
            Process brain = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader fromBrain = new BufferedReader(new InputStreamReader(brain.getInputStream(), StandardCharsets.UTF_8))) {
                int n = dists.size();
                List<List<Double>> shares = new ArrayList<>();
                dists.forEach(d -> shares.add(new ArrayList<>()));
                List<Double> own = new ArrayList<>();
                for (int t = -3; t < turns; t++) { // three rounds to warm up
                    for (int i = 0; i < n; i++) {
                        int k = (i + Math.floorMod(t, n)) % n;
                        double through = TurnRow.daemonTurn(clients.get(k));
                        double brainAlone = TurnRow.brainTurn(brain.getOutputStream(), fromBrain);
                        if (t >= 0) {
                            shares.get(k).add(through - brainAlone);
                            own.add(brainAlone);
                        }
                    }
                }
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    line.append(String.format(Locale.ROOT, "%s %s; ", dists.get(i), Figure.of("share", "ms", shares.get(i), null).text()));
                }
                System.out.println(line + "the fake brain's own turn " + Figure.of("", "ms", own, null).text());
            } finally {
                brain.destroy();
            }
        } finally {
            for (ZoneClient c : clients) {
                c.close();
            }
            for (KhloneHarness khlone : harnesses) {
                khlone.close();
            }
        }
    }
}
