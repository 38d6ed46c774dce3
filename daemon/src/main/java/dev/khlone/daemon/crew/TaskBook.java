package dev.khlone.daemon.crew;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Every task of the zone, and who waits for the end of which. Its monitor is the one guard of
 * the tasks, the awaiters and the profile each clone runs; the journal is written outside it
 * (the store has its own lock) and awaiters are told outside it.
 */
final class TaskBook {
    private static final Logger LOG = Logger.getLogger(TaskBook.class.getName());

    private final Store store;
    /** KHLONE_HOME, for the hint of a refused write. */
    private final Path home;

    // Guarded by this.
    private final Map<String, TaskInfo> tasks;
    /**
     * The tasks of {@link #tasks} that have not ended, kept as they change: the zone's history
     * grows without end, and a task's end, an idle look and a process's start ask only after these.
     */
    private final Map<String, TaskInfo> unfinished = new LinkedHashMap<>();
    private final Map<String, List<Awaiter>> awaiters = new HashMap<>();
    /** The profile each clone runs (or ran), by slug, for the journal's records. */
    private final Map<String, String> profiles = new HashMap<>();

    /** Someone waiting for a task's end: told the end, or why it will not come soon. */
    private record Awaiter(Consumer<TaskInfo> ended, Consumer<CrewException> not) {}

    TaskBook(Store store, Path home, Map<String, TaskInfo> tasks) {
        this.store = store;
        this.home = home;
        this.tasks = new LinkedHashMap<>();
        tasks.values().forEach(this::put);
    }

    /** Records {@code task}'s state now. Guarded by this. */
    private void put(TaskInfo task) {
        tasks.put(task.id(), task);
        if (task.status().ended()) {
            unfinished.remove(task.id());
        } else {
            unfinished.put(task.id(), task);
        }
    }

    /**
     * A new task for {@code slug}, with an id no other task of the zone has, a cap of {@code budget}
     * dollars (null: none); {@code trigger} started it (null: a person).
     */
    synchronized TaskInfo open(String slug, TaskMode mode, String prompt, long nowMs, Double budget, String trigger) {
        TaskInfo task = TaskInfo.queued(newId(), slug, mode, prompt, nowMs).withBudget(budget).triggeredBy(trigger);
        put(task);
        return task;
    }

    /** The budget of the task {@code slug} runs now, for the process started for it; null for none. */
    synchronized Double budgetOfRunning(String slug) {
        return unfinished.values().stream().filter(t -> t.cloneSlug().equals(slug) && t.status() == TaskInfo.Status.ACTIVE)
                .map(TaskInfo::budgetUsd).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** What the zone's tasks cost that ended since {@code fromMs}, or run now. */
    synchronized double spentSince(long fromMs) {
        return tasks.values().stream().filter(t -> t.costUsd() != null && (t.endedMs() >= fromMs || !t.status().ended()))
                .mapToDouble(TaskInfo::costUsd).sum();
    }

    /** Forgets a task its clone refused: its acceptance was never recorded. */
    synchronized void refused(TaskInfo task) {
        if (tasks.remove(task.id(), task)) {
            unfinished.remove(task.id());
        }
    }

    synchronized Optional<TaskInfo> get(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** The tasks {@code which} takes, newest first: all that have not ended, and the newest {@code ended} that have. */
    synchronized List<TaskInfo> newestFirst(Predicate<TaskInfo> which, int ended) {
        List<TaskInfo> list = new ArrayList<>();
        int endedTaken = 0;
        List<TaskInfo> all = new ArrayList<>(tasks.values());
        for (int i = all.size() - 1; i >= 0; i--) { // the map keeps the order tasks were opened in
            TaskInfo task = all.get(i);
            if (which.test(task) && (!task.status().ended() || endedTaken++ < ended)) {
                list.add(task);
            }
        }
        return list;
    }

    /** Whether any task is queued or running. */
    synchronized boolean anyUnfinished() {
        return !unfinished.isEmpty();
    }

    /** The tasks running now, for a daemon that stops. */
    synchronized List<TaskInfo> active() {
        return unfinished.values().stream().filter(t -> t.status() == Status.ACTIVE).toList();
    }

    synchronized void runs(String slug, String profile) {
        profiles.put(slug, profile);
    }

    synchronized String profile(String slug) {
        return profiles.get(slug);
    }

    /**
     * Calls {@code whenEnded} once the task has ended (at once if it has), or {@code whenNot} with
     * why no end will come soon; throws at once if {@code clone} (its clone, or null when gone) has
     * failed. Returns what undoes the wait.
     */
    Runnable await(String id, Clone clone, Consumer<TaskInfo> whenEnded, Consumer<CrewException> whenNot)
            throws CrewException {
        TaskInfo now;
        Awaiter awaiter = new Awaiter(whenEnded, whenNot);
        synchronized (this) {
            now = tasks.get(id);
            if (now == null) {
                throw unknown(id);
            }
            if (!now.status().ended()) {
                // Checked under the monitor that cloneFailed tells awaiters under: no failure falls between.
                CloneInfo info = clone == null ? null : clone.info();
                if (info != null && info.state() == CloneInfo.State.FAILED) {
                    throw stuck(info.slug(), info.failure(), id);
                }
                awaiters.computeIfAbsent(id, k -> new ArrayList<>()).add(awaiter);
                return () -> {
                    synchronized (this) {
                        List<Awaiter> list = awaiters.get(id);
                        if (list != null) {
                            list.remove(awaiter);
                        }
                    }
                };
            }
        }
        whenEnded.accept(now);
        return () -> {};
    }

    /** Journals {@code task}'s change and, if it ended, tells its awaiters; true when it ended the last unfinished task of the zone. */
    boolean taskChanged(TaskInfo task) throws IOException {
        Store.Unsaved unsaved = null;
        try {
            store.journal(task, profile(task.cloneSlug()));
        } catch (Store.Unsaved e) {
            // Kept, and written when the disk takes it: the clone goes on, and a task that ended stays ended.
            LOG.severe("cannot journal " + task.id() + " (" + e.getMessage() + "); the record is kept and retried");
            unsaved = e;
        }
        List<Awaiter> waiting = List.of();
        boolean lastEnded = false;
        synchronized (this) {
            put(task);
            if (task.status().ended()) {
                List<Awaiter> list = awaiters.remove(task.id());
                waiting = list == null ? List.of() : list;
                // Before anyone hears of the end, who might queue more: the queue was empty when it ended.
                lastEnded = unfinished.isEmpty();
            }
        }
        if (unsaved == null) {
            waiting.forEach(w -> w.ended().accept(task));
        } else {
            CrewException why = CrewException.unwritable(unsaved, home, task.id() + " ended (" + task.status().wire()
                    + ") and will not run again; the daemon records that as soon as the disk takes it");
            waiting.forEach(w -> w.not().accept(why));
        }
        return lastEnded;
    }

    /** Journals a new task that starts at once, not forced yet (see {@link Store#begin}); nobody awaits it yet. */
    void taskBegun(TaskInfo task) throws IOException {
        store.begin(task, profile(task.cloneSlug()));
        synchronized (this) {
            put(task);
        }
    }

    /** Tells the awaiters of {@code waiting}, the tasks left at a failed clone, that they wait for a person. */
    void cloneFailed(String slug, String failure, List<String> waiting) {
        Map<String, List<Awaiter>> told = new LinkedHashMap<>();
        synchronized (this) {
            for (String id : waiting) {
                List<Awaiter> list = awaiters.remove(id);
                if (list != null) {
                    told.put(id, list);
                }
            }
        }
        told.forEach((id, list) -> list.forEach(a -> a.not().accept(stuck(slug, failure, id))));
    }

    static CrewException unknown(String id) {
        return new CrewException(ErrorCode.UNKNOWN_TASK, "there is no task " + id, "khlone tasks lists the zone's tasks");
    }

    /** What an awaiter of a task at a failed clone is told, and what to do about it. */
    private static CrewException stuck(String slug, String failure, String taskId) {
        return new CrewException(ErrorCode.BRAIN_UNAVAILABLE, slug + " has failed (" + failure + "); " + taskId
                + " waits in its queue", "revive it: khlone reboot " + slug + " (or khlone cancel " + taskId + ")");
    }

    /**
     * A short id no task of the zone has. Ids are names, not secrets (only the zone's user reaches
     * the daemon): a plain random number, and no {@code String.format}, which with SecureRandom's
     * hashing cost ~0.1 ms of each submit in code that runs too seldom to be compiled.
     */
    private String newId() {
        for (int digits = 4; ; digits++) {
            for (int attempt = 0; attempt < 16; attempt++) {
                String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << (4 * digits)));
                String id = "t-" + "0".repeat(digits - hex.length()) + hex;
                if (!tasks.containsKey(id)) {
                    return id;
                }
            }
        }
    }
}
