package dev.khlone.dist.storm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a storm saw while it ran, from any of its threads; {@link #count} turns it into {@link Counts}. */
final class Tally {
    private final String storm;
    private final List<String> accepted = new ArrayList<>();
    private final Map<String, Integer> crashes = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private int clientFailures;
    private int broken;

    Tally(String storm) {
        this.storm = storm;
    }

    synchronized void accepted(String id) {
        accepted.add(id);
    }

    synchronized List<String> acceptedSoFar() {
        return List.copyOf(accepted);
    }

    /** The storm killed the brain or the daemon while this task was in flight: one more attempt is allowed. */
    synchronized void crashed(String id) {
        crashes.merge(id, 1, Integer::sum);
    }

    synchronized int crashesOf(String id) {
        return crashes.getOrDefault(id, 0);
    }

    /** A well-behaved client got an unexpected exit code, an error or no answer. */
    synchronized void clientFailure(String what) {
        clientFailures++;
        notes.add("client failure: " + what);
    }

    /** A promise the storm saw broken that no other count covers. */
    synchronized void broken(String what) {
        broken++;
        notes.add("broken: " + what);
    }

    synchronized void note(String what) {
        notes.add(what);
    }

    /**
     * The counts, from the tasks' last records ({@code ends}, by id: what the journal or the daemon
     * says) and how often each task's side effect happened (by the task's marker, see {@link Work}).
     */
    synchronized Counts count(Map<String, Map<String, Object>> ends, Map<String, Integer> sideEffects) {
        int done = 0;
        int cancelled = 0;
        int lost = 0;
        int runTwice = 0;
        int doubled = 0;
        Map<String, Integer> failed = new TreeMap<>();
        List<String> all = new ArrayList<>(notes);
        for (String id : accepted) {
            Map<String, Object> task = ends.get(id);
            String status = task == null ? "unknown" : String.valueOf(task.get("status"));
            switch (status) {
                case "done":
                    done++;
                    break;
                case "cancelled":
                    cancelled++;
                    break;
                case "failed":
                    failed.merge(reason(task.get("error")), 1, Integer::sum);
                    break;
                default:
                    lost++;
                    all.add("lost: " + id + " was accepted and is still " + status);
                    continue;
            }
            int attempts = ((Number) task.getOrDefault("attempts", 0)).intValue();
            int allowed = crashesOf(id) + 1;
            if (attempts > allowed) {
                runTwice++;
                all.add("run twice: " + id + " ran " + attempts + " times through " + (allowed - 1) + " crashes");
            }
            String marker = Work.marker(String.valueOf(task.get("prompt")));
            int effects = marker == null ? 0 : sideEffects.getOrDefault(marker, 0);
            if (marker != null && effects == 0 && status.equals("done")) {
                broken++;
                all.add("broken: " + id + " (" + marker + ") is done but its side effect never happened");
            }
            if (effects > 1) {
                doubled++;
                all.add("doubled: the side effect of " + id + " (" + marker + ") happened " + effects + " times");
            }
        }
        return new Counts(storm, null, accepted.size(), done, failed, cancelled, lost, runTwice, doubled,
                clientFailures, broken, all);
    }

    /** A failure's reason without what differs between tasks, so that alike reasons group. */
    private static String reason(Object error) {
        String text = String.valueOf(error).replaceAll("t-[0-9a-f]+", "t-…").replaceAll("\\s+", " ").trim();
        return text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }
}
