package dev.khlone.daemon.trigger;

import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.crew.CrewException;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TriggerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The zone's khlone.yml triggers, on one scheduler thread that owns all their state: it reads the
 * entries again when khlone.yml changes, fires cron triggers at their minute and watch triggers
 * once a burst of changes has settled, and submits each firing to the crew as {@code act} would.
 * Time is the injected {@link Clock}'s, so a test moves it and calls {@link #tick()}.
 *
 * <p>A firing is written to {@link Firings} (forced) before its task is submitted, and its task's
 * id after; see docs/concurrency.md for why a kill -9 between the two neither loses it nor runs it
 * twice.
 */
public final class Triggers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Triggers.class.getName());
    /** The longest the scheduler sleeps: how soon an edit of khlone.yml is seen. */
    private static final Duration NAP = Duration.ofSeconds(1);
    private static final long ANSWER_TIMEOUT_S = 70;

    /** The crew as triggers see it. */
    public interface Target {
        /** khlone.yml's {@code triggers:} entries as the file says them. */
        List<Object> entries() throws CrewException;

        TaskInfo submit(TaskMode mode, String prompt, String who, String trigger) throws CrewException;

        Optional<TaskInfo> task(String id);

        /** The newest task {@code trigger} started, by the journal. */
        Optional<TaskInfo> newest(String trigger);

        /** What is left of the zone's budget for today, in dollars; null when it has none. */
        Double dayBudgetLeft(long nowMs);

        /** The zone's crew: a trigger's task is queued as {@code act} or {@code ask} queues one, last in its clone's queue. */
        static Target of(Crew crew) {
            return new Target() {
                @Override
                public List<Object> entries() throws CrewException {
                    return crew.triggers();
                }

                @Override
                public TaskInfo submit(TaskMode mode, String prompt, String who, String trigger) throws CrewException {
                    return crew.submit(mode, prompt, who, Placement.LAST, null, trigger);
                }

                @Override
                public Optional<TaskInfo> task(String id) {
                    return crew.task(id);
                }

                @Override
                public Optional<TaskInfo> newest(String trigger) {
                    return crew.newestOf(trigger);
                }

                @Override
                public Double dayBudgetLeft(long nowMs) {
                    return crew.dayBudgetLeft(nowMs);
                }
            };
        }
    }

    private final Path root;
    private final Clock clock;
    private final Target target;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "triggers");
        t.setDaemon(true);
        return t;
    });

    // Owned by the scheduler thread.
    private final Firings firings;
    private final Starter starter;
    private final Map<String, Armed> armed = new LinkedHashMap<>();
    private List<Object> entries;
    /** Why khlone.yml could not be read now (the triggers go on as they were), or null. */
    private CrewException fileError;
    /** Whether any trigger is armed, for threads other than the scheduler's. */
    private volatile boolean any;
    private FileWatch watch;
    private ScheduledFuture<?> nextTick;
    private boolean started;

    private Triggers(Path root, Path state, Clock clock, Target target) {
        this.root = root;
        this.clock = clock;
        this.target = target;
        this.firings = Firings.load(state);
        this.starter = new Starter(root, clock, target, firings);
        // On close, a firing under way finishes (its task's id is written down); the next ticks do not come.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Starts the zone's triggers: {@code state} keeps their firings; a firing a killed daemon left
     * unfinished is finished, and with {@code catch-up} a cron firing missed while it was down runs,
     * all before this returns: the clock's time now is when they are armed.
     */
    public static Triggers start(Path root, Path state, Clock clock, Target target) {
        Triggers triggers = new Triggers(root, state, clock, target);
        try {
            triggers.tick().join();
        } catch (CompletionException e) {
            LOG.log(Level.WARNING, "triggers", e.getCause()); // they go on at the next tick
        }
        return triggers;
    }

    /** Does what is due now by the clock, on the scheduler thread; the future completes when it is done. */
    CompletableFuture<Void> tick() {
        return CompletableFuture.runAsync(this::due, scheduler);
    }

    /** Each trigger and where it stands, for {@code khlone triggers}. */
    public List<TriggerInfo> list() throws CrewException {
        return onScheduler(() -> {
            reload();
            if (fileError != null && armed.isEmpty()) {
                throw fileError; // nothing to show but that
            }
            List<TriggerInfo> all = new ArrayList<>();
            for (Armed a : armed.values()) {
                all.add(info(a));
            }
            return all;
        });
    }

    /** Fires the trigger {@code name} now, whatever its schedule and its previous task; returns the task. */
    public TaskInfo run(String name) throws CrewException {
        return onScheduler(() -> {
            reload();
            Armed a = armed.get(name);
            if (a == null) {
                throw new CrewException(ErrorCode.BAD_REQUEST, "there is no trigger " + name + " in khlone.yml",
                        "khlone triggers lists them");
            }
            if (a.entry.spec() == null) {
                throw new CrewException(ErrorCode.BAD_REQUEST, a.entry.error(), "fix " + root.resolve("khlone.yml"));
            }
            TaskInfo task = starter.submit(a, Firings.Firing.of(clock.millis(), a.files));
            a.files.clear();
            if (task == null) {
                throw a.refused;
            }
            return task;
        });
    }

    /** The files of the burst under way for the watch trigger {@code name}, for tests. */
    List<String> burst(String name) throws CrewException {
        return onScheduler(() -> armed.containsKey(name) ? List.copyOf(armed.get(name).files) : List.of());
    }

    /** Files changed under the root (on the watch thread): noted for the watch triggers they match. */
    private void changed(List<String> files) {
        long seenMs = System.currentTimeMillis();
        try {
            scheduler.execute(() -> {
                for (Armed a : armed.values()) {
                    if (a.entry.spec() != null && a.entry.spec().schedule() instanceof TriggerSpec.Watch w) {
                        List<String> matching = files.stream().filter(w::matches).filter(f -> !starter.ownWrite(a, f, seenMs)).toList();
                        if (!matching.isEmpty()) {
                            a.files.addAll(matching);
                            a.lastChange = clock.instant();
                        }
                    }
                }
                soon(Duration.ZERO);
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void due() {
        try {
            reload();
            Instant now = clock.instant();
            for (Armed a : List.copyOf(armed.values())) {
                TriggerSpec spec = a.entry.spec();
                if (spec == null) {
                    continue;
                }
                if (spec.schedule() instanceof TriggerSpec.Cron cron) {
                    Optional<Instant> slot = latestSlot(cron, a.considered, now);
                    if (slot.isPresent()) {
                        a.considered = slot.get();
                        starter.fire(a, Firings.Firing.of(slot.get().toEpochMilli(), List.of()));
                    }
                } else if (spec.schedule() instanceof TriggerSpec.Watch w && !a.files.isEmpty()
                        && !now.isBefore(a.lastChange.plus(w.debounce()))) {
                    Firings.Firing firing = Firings.Firing.of(now.toEpochMilli(), a.files);
                    a.files.clear();
                    starter.fire(a, firing);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "triggers", e);
        }
        soon(nap());
    }

    /** Until the next burst settles, or {@link #NAP}. */
    private Duration nap() {
        Duration nap = NAP;
        Instant now = clock.instant();
        for (Armed a : armed.values()) {
            if (!a.files.isEmpty() && a.entry.spec().schedule() instanceof TriggerSpec.Watch w) {
                Duration left = Duration.between(now, a.lastChange.plus(w.debounce()));
                nap = left.compareTo(nap) < 0 ? left : nap;
            }
        }
        return nap;
    }

    /** The latest cron slot after {@code after} and not after {@code now}: one firing however many passed. */
    private Optional<Instant> latestSlot(TriggerSpec.Cron cron, Instant after, Instant now) {
        Optional<ZonedDateTime> next = cron.times().nextExecution(after.atZone(clock.getZone()));
        Instant slot = null;
        while (next.isPresent() && !next.get().toInstant().isAfter(now)) {
            slot = next.get().toInstant();
            next = cron.times().nextExecution(next.get());
        }
        return Optional.ofNullable(slot);
    }

    /** Reads khlone.yml's entries if they changed; on the first read, finishes what the last daemon left. */
    private void reload() {
        List<Object> now;
        try {
            now = target.entries();
            fileError = null;
        } catch (CrewException e) {
            fileError = e;
            return; // the triggers go on as they were until the file is fixed
        }
        if (now.equals(entries)) {
            return;
        }
        entries = now;
        Map<String, Armed> before = new LinkedHashMap<>(armed);
        armed.clear();
        for (TriggerSpec.Entry entry : TriggerSpec.parseAll(now)) {
            Armed old = before.get(entry.name());
            if (old != null && old.entry.raw().equals(entry.raw())) {
                armed.put(entry.name(), old);
                continue;
            }
            if (entry.error() != null) {
                LOG.warning(entry.error() + "; the other triggers run");
            }
            Armed a = new Armed(entry);
            armed.put(entry.name(), a);
            arm(a);
        }
        boolean watching = armed.values().stream()
                .anyMatch(a -> a.entry.spec() != null && a.entry.spec().schedule() instanceof TriggerSpec.Watch);
        if (watching && watch == null) {
            try {
                watch = FileWatch.start(root, this::changed);
            } catch (IOException e) {
                LOG.warning("cannot watch " + root + " (" + e.getMessage() + "); watch: triggers do not fire");
            }
        } else if (!watching && watch != null) {
            watch.close();
            watch = null;
        }
        any = !armed.isEmpty();
        started = true;
    }

    /** Whether khlone.yml has triggers: a daemon that would leave when idle stays for them. */
    public boolean any() {
        return any;
    }

    /**
     * A trigger newly read: a firing the last daemon left pending is finished; a cron trigger
     * starts from its last firing (its first arming if none) when it catches up, else from now.
     */
    private void arm(Armed a) {
        TriggerSpec spec = a.entry.spec();
        if (spec == null) {
            return;
        }
        String name = spec.name();
        Firings.Record record = firings.get(name);
        Instant now = clock.instant();
        try {
            if (record.armedMs() == 0) {
                record = new Firings.Record(now.toEpochMilli(), record.lastMs(), record.lastTask(), record.pending(),
                        record.skipped());
                firings.put(name, record);
            }
        } catch (IOException e) {
            LOG.warning("cannot record trigger " + name + " (" + e.getMessage() + "); it runs, but may miss a catch-up");
        }
        if (record.pending() != null && !started) {
            starter.finish(a, record);
        }
        if (spec.schedule() instanceof TriggerSpec.Cron cron) {
            Instant since = Instant.ofEpochMilli(Math.max(record.armedMs(), record.lastMs()));
            a.considered = now;
            if (spec.catchUp() && !started) {
                latestSlot(cron, since, now).ifPresent(missed -> {
                    LOG.info("trigger " + name + ": catching up the firing of " + missed + ", missed while the daemon was down");
                    starter.fire(a, Firings.Firing.of(missed.toEpochMilli(), List.of()));
                });
            }
        }
    }

    private TriggerInfo info(Armed a) {
        TriggerSpec spec = a.entry.spec();
        Firings.Record record = firings.get(a.entry.name());
        Optional<TaskInfo> last = starter.lastTask(a.entry.name());
        String status = a.refused != null ? "not started: " + a.refused.getMessage() : last.map(t -> t.status().wire()).orElse(null);
        if (spec == null) {
            return new TriggerInfo(a.entry.name(), null, null, 0, 0, null, null, 0, a.entry.error());
        }
        long next = 0;
        if (spec.schedule() instanceof TriggerSpec.Cron cron) {
            next = cron.times().nextExecution(a.considered.atZone(clock.getZone())).map(t -> t.toInstant().toEpochMilli())
                    .orElse(0L);
        }
        return new TriggerInfo(spec.name(), spec.schedule() instanceof TriggerSpec.Cron ? "cron" : "watch",
                spec.schedule().spec(), next, record.lastMs(), record.lastTask(), status, record.skipped(),
                fileError == null ? null : fileError.getMessage());
    }

    /** Ticks again after {@code delay} (or sooner, if one is already planned sooner; the one running now does not count). */
    private void soon(Duration delay) {
        long planned = nextTick == null ? 0 : nextTick.getDelay(TimeUnit.MILLISECONDS);
        if (planned > 0 && planned <= delay.toMillis()) {
            return;
        }
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        try {
            nextTick = scheduler.schedule(this::due, Math.max(delay.toMillis(), 10), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private <T> T onScheduler(Callable<T> work) throws CrewException {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                try {
                    answer.complete(work.call());
                } catch (Exception e) {
                    answer.completeExceptionally(e);
                }
            });
            return answer.get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CrewException c) {
                throw c;
            }
            throw new CrewException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), "see the daemon's log");
        } catch (TimeoutException | RejectedExecutionException e) {
            throw new CrewException(ErrorCode.BUSY, "the triggers did not answer within " + ANSWER_TIMEOUT_S + " s",
                    "see the daemon's log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrewException(ErrorCode.INTERNAL, "interrupted", null);
        }
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow(); // the next daemon finishes the firing (see finish)
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (watch != null) {
            watch.close();
        }
    }
}
