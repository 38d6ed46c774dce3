package dev.khlone.dist.storm;

import java.util.List;
import java.util.Map;

/**
 * What one storm came to. {@code lost}: accepted and never reached done, failed or cancelled
 * within the deadline; {@code runTwice}: a task with more attempts than the crashes it went
 * through plus one; {@code doubled}: a task whose side effect happened more than once;
 * {@code clientFailures}: a well-behaved client that got an unexpected exit code, an error or no
 * answer; {@code broken}: any other promise the storm saw broken, each said in words in
 * {@code notes}. A storm that could not run here ({@code notRun}, e.g. mount refused) never passes.
 */
record Counts(String storm, String notRun, int accepted, int done, Map<String, Integer> failed, int cancelled,
              int lost, int runTwice, int doubled, int clientFailures, int broken, List<String> notes) {
    Counts {
        failed = Map.copyOf(failed);
        notes = List.copyOf(notes);
    }

    static Counts notRun(String storm, String why) {
        return new Counts(storm, why, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, List.of());
    }

    int failedTotal() {
        return failed.values().stream().mapToInt(Integer::intValue).sum();
    }

    boolean passed() {
        return notRun == null && lost == 0 && runTwice == 0 && doubled == 0 && clientFailures == 0 && broken == 0;
    }
}
