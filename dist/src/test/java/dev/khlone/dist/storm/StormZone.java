package dev.khlone.dist.storm;

import dev.khlone.dist.BrainZone;
import dev.khlone.protocol.json.Json;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A zone with the real claude as its hero against the fake model, driven by the installed
 * {@code khlone} as a user would, with what the storms read besides: the task journal and the
 * side-effects file.
 */
final class StormZone implements AutoCloseable {
    /** How long accepted tasks may take to end after a storm is over (plus 2 s each) before they count as lost. */
    static final Duration ENDS_WITHIN = Duration.ofSeconds(120);
    /** How long a well-behaved command may take before it counts as hanging. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    final BrainZone brain;
    final Zone zone;
    final Path sideEffects;

    StormZone() throws IOException {
        brain = new BrainZone("claude");
        zone = brain.khlone.zone(brain.dir);
        sideEffects = brain.dir.resolve("side-effects.txt");
    }

    KhloneHarness khlone() {
        return brain.khlone;
    }

    /** The model answers marked prompts as a careful worker (see {@link Work}). */
    void work(Duration pause) {
        brain.model.otherwise(Work.model(sideEffects, pause));
    }

    /** {@code khlone args...}; a command that does not end within {@link #COMMAND_TIMEOUT} is killed and reported as {@link KhloneHarness#NO_ANSWER}. */
    Result run(String... args) {
        return KhloneHarness.run(brain.khlone.command(brain.dir, args), COMMAND_TIMEOUT);
    }

    /** {@code khlone act args...}: the task's id if it was accepted; anything else is a client failure. */
    Optional<String> act(Tally tally, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "act";
        System.arraycopy(args, 0, command, 1, args.length);
        Result r = run(command);
        Optional<String> id = accepted(r);
        if (r.exitCode() == 0 && id.isPresent()) {
            tally.accepted(id.get());
        } else {
            tally.clientFailure("khlone " + String.join(" ", command) + ": " + oneLine(r));
        }
        return id;
    }

    /** The id in a submit's "✓ t-xxxx → clone" line. */
    static Optional<String> accepted(Result r) {
        for (String line : (r.out() + r.err()).split("\n")) {
            if (line.startsWith("✓ t-")) {
                return Optional.of(line.substring(2, line.indexOf(' ', 2)));
            }
        }
        return Optional.empty();
    }

    static String oneLine(Result r) {
        String said = (r.err().isBlank() ? r.out() : r.err()).trim().replace('\n', ' ');
        return "exit " + r.exitCode() + (said.isEmpty() ? "" : ", " + (said.length() > 200 ? said.substring(0, 200) + "…" : said));
    }

    Optional<Long> daemonPid() {
        return brain.khlone.daemonPid(zone).filter(KhloneHarness::running);
    }

    /** The clone's entry of {@code status --json}, or empty if status did not answer. */
    Optional<Map<String, Object>> clone(String slug) {
        Result r = run("status", "--json");
        if (r.exitCode() != 0) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> clones = (List<Map<String, Object>>) Json.parseObject(r.out()).get("clones");
        return clones.stream().filter(c -> slug.equals(c.get("slug"))).findFirst();
    }

    Path journalFile() {
        return brain.khlone.locations().taskJournal(zone);
    }

    /** The latest record of every task in the journal, by id in journal order; torn or damaged lines are skipped. */
    Map<String, Map<String, Object>> journal() {
        Map<String, Map<String, Object>> tasks = new LinkedHashMap<>();
        try {
            if (!Files.exists(journalFile())) {
                return tasks;
            }
            for (String line : Files.readAllLines(journalFile(), StandardCharsets.UTF_8)) {
                try {
                    Map<String, Object> task = Json.parseObject(line);
                    tasks.put(String.valueOf(task.get("id")), task);
                } catch (RuntimeException e) {
                    // a torn or damaged line: the daemon's business, the storms only read what it kept
                }
            }
        } catch (IOException e) {
            // unreadable for now (a full disk, a journal being replaced): the next poll tries again
        }
        return tasks;
    }

    static boolean ended(Map<String, Object> task) {
        Object status = task == null ? null : task.get("status");
        return "done".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    /**
     * Waits until every task has ended per the journal, or {@link #ENDS_WITHIN} and 2 s a task pass; then asks
     * the daemon about any that have not (it may hold a record it could not write yet).
     */
    Map<String, Map<String, Object>> awaitEnded(Collection<String> ids) {
        return awaitEnded(ids, ENDS_WITHIN.plusSeconds(2L * ids.size()));
    }

    Map<String, Map<String, Object>> awaitEnded(Collection<String> ids, Duration within) {
        if (!ids.isEmpty() && !Files.exists(journalFile())) {
            // Accepting a task journals it: a storm that finds no journal is reading another zone's state.
            throw new AssertionError("tasks were accepted but there is no journal at " + journalFile());
        }
        Map<String, Map<String, Object>> tasks = new HashMap<>();
        Await.within(within, () -> {
            tasks.putAll(journal());
            return ids.stream().allMatch(id -> ended(tasks.get(id)));
        });
        Map<String, Map<String, Object>> ends = new HashMap<>(tasks);
        for (String id : ids) {
            if (!ended(tasks.get(id))) {
                Result r = run("status", "--task", id, "--json");
                if (r.exitCode() == 0) {
                    ends.put(id, Json.parseObject(r.out()));
                } else if (r.exitCode() == KhloneHarness.NO_ANSWER) {
                    break; // the daemon does not answer: asking about the next one would not help
                }
            }
        }
        return ends;
    }

    /** How many times each marker's side effect happened. */
    Map<String, Integer> sideEffects() throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        if (Files.exists(sideEffects)) {
            for (String line : Files.readAllLines(sideEffects)) {
                if (!line.isBlank()) {
                    counts.merge(line.trim(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** kill -9 of the daemon; true once it is gone. */
    boolean killDaemon() {
        Optional<Long> pid = daemonPid();
        pid.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        return pid.isPresent() && KhloneHarness.awaitExit(pid.get(), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        brain.close();
    }
}
