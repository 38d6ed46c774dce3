package dev.khlone.dist.storm;

import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Many {@code khlone act} processes started at once on one zone: every one is accepted, every
 * task runs exactly once, and the hero runs them in the order it accepted them.
 */
record ConcurrentSubmitStorm() implements Storm {
    @Override
    public String name() {
        return "concurrent submits";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        try (StormZone zone = new StormZone()) {
            Result first = zone.run("status");
            if (first.exitCode() != 0) {
                tally.clientFailure("khlone status: " + StormZone.oneLine(first));
            }
            List<Process> submits = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < size.concurrentSubmits(); i++) {
                Path out = zone.khlone().root().resolve("submit-" + i + ".out");
                outputs.add(out);
                submits.add(zone.khlone().command(zone.brain.dir, "act", "c-" + i)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectErrorStream(true).start());
            }
            Map<String, String> prompts = new HashMap<>();
            for (int i = 0; i < submits.size(); i++) {
                Process p = submits.get(i);
                boolean ended = p.waitFor(StormZone.ENDS_WITHIN.toSeconds(), TimeUnit.SECONDS);
                if (!ended) {
                    p.destroyForcibly();
                }
                String said = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
                Result r = new Result(ended ? p.exitValue() : -1, "", said);
                var id = StormZone.accepted(r);
                if (ended && p.exitValue() == 0 && id.isPresent()) {
                    tally.accepted(id.get());
                    prompts.put("c-" + i, id.get());
                } else {
                    tally.clientFailure("khlone act c-" + i + (ended ? "" : " did not end") + ": " + StormZone.oneLine(r));
                }
            }
            Map<String, Map<String, Object>> ends = zone.awaitEnded(tally.acceptedSoFar());
            checkOrder(zone, tally, prompts);
            return tally.count(ends, zone.sideEffects());
        }
    }

    /** The model got each prompt once, in the order the daemon journaled the tasks as accepted. */
    private static void checkOrder(StormZone zone, Tally tally, Map<String, String> idsByPrompt) {
        List<String> reached = zone.brain.model.turns().stream().map(RecordedRequest::prompt)
                .filter(idsByPrompt::containsKey).toList();
        List<String> journaled = zone.journal().keySet().stream()
                .flatMap(id -> idsByPrompt.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey))
                .toList();
        if (reached.size() != reached.stream().distinct().count()) {
            tally.broken("a prompt reached the model more than once: " + reached);
        }
        if (!reached.equals(journaled)) {
            tally.broken("the hero ran the tasks in another order than it accepted them: ran " + reached
                    + ", accepted " + journaled);
        }
    }
}
