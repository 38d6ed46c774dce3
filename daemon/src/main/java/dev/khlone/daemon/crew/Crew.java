package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.Orphans;
import dev.khlone.daemon.server.Client;
import dev.khlone.daemon.store.Store;
import dev.khlone.daemon.watch.Followers;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.BrainReport;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The zone's clones and their tasks, as the request handlers see them. Who the clones are is the
 * {@link Roster}'s, the tasks and their awaiters the {@link TaskBook}'s; the crew answers requests
 * across both. The clones' changes go to the journal, the crew file and the transcripts through
 * {@link Changes}.
 *
 * <p>Over 300 lines: it is the one door of twelve requests, each a few lines joining the roster,
 * the task book and a clone's answer; what they share (waiting for an answer, khlone.yml, the
 * wording of errors) stays here so that each stays short.
 */
public final class Crew {
    private static final Logger LOG = Logger.getLogger(Crew.class.getName());
    private static final long ANSWER_TIMEOUT_S = 60;

    private final Zone zone;
    private final Store store;
    private final Path home;
    private final ConfigFile config;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crew-timers");
        t.setDaemon(true);
        return t;
    });
    private final TaskBook book;
    private final Brains brains;
    private final Roster roster;
    private final Followers followers = new Followers(timers);
    private final Changes changes;

    private Crew(Zone zone, Store store, Map<String, Brain> plugins, Map<String, String> env, Duration turnTimeout,
                 ConfigFile config, RestorePlan plan) {
        this.zone = zone;
        this.store = store;
        this.home = Locations.fromEnvironment(env).home();
        this.config = config;
        this.book = new TaskBook(store, home, plan.tasks());
        this.changes = new Changes(zone, store, book, config, followers);
        this.brains = new Brains(zone.root(), plugins, env);
        this.roster = new Roster(zone, brains, changes, book, timers, turnTimeout, plan.indexes());
        changes.attach(roster);
        // Records the journal could not take (a full disk) are written as soon as it can.
        timers.scheduleWithFixedDelay(() -> {
            try {
                store.retry();
            } catch (IOException e) {
                // still full: again in 2 s
            }
        }, 2, 2, TimeUnit.SECONDS);
    }

    /**
     * The crew as the state dir left it: clones with their series and queues, the task that was
     * running put back first, each clone's brain started again.
     */
    public static Crew restore(Zone zone, Store store, Map<String, Brain> brains, Map<String, String> env) throws IOException {
        Duration turnTimeout = turnTimeout(env);
        ConfigFile config = new ConfigFile(zone.root());
        ZoneConfig now;
        try {
            now = config.current();
        } catch (ZoneConfig.Invalid e) {
            LOG.warning(e.getMessage() + "; the clones run their brains without their khlone.yml settings until it is fixed");
            now = null;
        }
        RestorePlan plan = RestorePlan.of(store.load(), now, brains.keySet(), System.currentTimeMillis());
        Crew crew = new Crew(zone, store, brains, env, turnTimeout, config, plan);
        crew.carryOut(plan);
        return crew;
    }

    private void carryOut(RestorePlan plan) throws IOException {
        plan.leftovers().forEach(p -> Orphans.end(p.pid(), p.startMs()));
        // Whatever a brain of these clones started, tool children that left its session included, is gone before work runs again.
        plan.swept().forEach(slug -> Orphans.endMarked(roster.marker(slug)));
        for (RestorePlan.Said said : plan.log()) {
            LOG.log(said.level(), said.text());
        }
        plan.members().forEach(roster::restore);
        for (TaskInfo t : plan.changed()) {
            book.taskChanged(t);
        }
        plan.notes().forEach(n -> store.transcript(n.slug(), n.entry()));
        List<Clone> all = roster.all();
        all.forEach(Clone::boot);
        if (!all.isEmpty()) {
            LOG.info("restored the crew: " + String.join(", ", all.stream().map(c -> c.slug).toList()));
        }
    }

    /** Queues a task for the clone {@code who} names, enrolling one if it says so or none fits. */
    public TaskInfo submit(TaskMode mode, String prompt, String who, Placement placement)
            throws CrewException {
        return submit(mode, prompt, who, placement, null, null);
    }

    /**
     * ... with a cap on its cost in dollars: {@code budget}, else the clone's profile's, else the
     * zone's {@code budget.task} (none when all are null); {@code trigger}: the khlone.yml trigger that
     * started it (null: a person).
     */
    public TaskInfo submit(TaskMode mode, String prompt, String who, Placement placement, Double budget, String trigger)
            throws CrewException {
        if (prompt == null || prompt.isBlank()) {
            throw new CrewException(ErrorCode.BAD_REQUEST, "the prompt is empty", "say what the clone should do");
        }
        try {
            store.retry();
        } catch (IOException e) {
            throw CrewException.unwritable(e, home,
                    "new tasks are refused until the records kept meanwhile are written, so that none accepted is lost");
        }
        ZoneConfig config = config();
        Clone clone = roster.resolve(parse(who), config, "--who ");
        Double cap = budget != null ? budget : clone.profile.budget() != null ? clone.profile.budget() : config.budget().task();
        TaskInfo task = book.open(clone.slug, mode, prompt, System.currentTimeMillis(), cap, trigger);
        try {
            return answer(clone.submit(task, placement));
        } catch (CrewException e) {
            book.refused(task);
            throw e;
        }
    }

    /** Nothing queued, nothing running and nobody talking: a daemon may leave (KHLONE_IDLE_EXIT). */
    public boolean idle() {
        return !book.anyUnfinished()
                && roster.all().stream().noneMatch(c -> c.info().state() == CloneInfo.State.TALKING);
    }

    /** Each brain checked as it would start now, for {@code khlone doctor}. */
    public List<BrainReport> doctor() throws CrewException {
        return brains.doctor(config());
    }

    /** The brain variables the brains get now, for {@code khlone doctor}. */
    public Map<String, String> environment() {
        return brains.environment();
    }

    /** A command's environment for the brains started from now on (see {@link Brains#environment}). */
    public void environment(Map<String, String> command) {
        brains.environment(command);
    }

    public Optional<TaskInfo> task(String id) {
        return book.get(id);
    }

    /** The newest task the khlone.yml trigger {@code trigger} started, if the zone has one. */
    public Optional<TaskInfo> newestOf(String trigger) {
        return book.newestFirst(task -> trigger.equals(task.trigger()), 1).stream().findFirst();
    }

    /** khlone.yml's {@code triggers:} entries as the file says them, for the trigger package to read. */
    public List<Object> triggers() throws CrewException {
        return config().triggers();
    }

    /**
     * The zone's tasks, newest first: every queued and running one and the newest {@code ended}
     * that ended; only those of the clones {@code who} names, when given (a killed clone's tasks
     * are then left out: it is no longer on the crew to be named).
     */
    public List<TaskInfo> tasks(String who, int ended) throws CrewException {
        if (who == null || who.isEmpty()) {
            return book.newestFirst(task -> true, ended);
        }
        Set<String> slugs = roster.matching(parse(who), who, config()).stream().map(c -> c.slug).collect(Collectors.toSet());
        return book.newestFirst(task -> slugs.contains(task.cloneSlug()), ended);
    }

    /**
     * Calls {@code whenEnded} once the task has ended (at once if it has), or {@code whenNot} with
     * why no end will come soon: its clone has failed and it waits for a person (at once if so; then
     * this throws), or it ended but the journal could not take that (it is written later). Returns
     * what undoes the wait, for a client that goes away first.
     */
    public Runnable await(String id, Consumer<TaskInfo> whenEnded, Consumer<CrewException> whenNot) throws CrewException {
        TaskInfo known = book.get(id).orElseThrow(() -> TaskBook.unknown(id));
        return book.await(id, roster.get(known.cloneSlug()), whenEnded, whenNot);
    }

    public TaskInfo cancel(String id) throws CrewException {
        TaskInfo task = book.get(id).orElseThrow(() -> TaskBook.unknown(id));
        if (task.status().ended()) {
            throw new CrewException(ErrorCode.TASK_ENDED, task.id() + " has already ended (" + task.status().wire() + ")",
                    "see it with: khlone status --task " + task.id());
        }
        Clone clone = roster.get(task.cloneSlug());
        TaskInfo cancelled = clone == null ? null : answer(clone.cancel(id));
        if (cancelled == null) {
            throw new CrewException(ErrorCode.TASK_ENDED, task.id() + " ended while it was being cancelled",
                    "see it with: khlone status --task " + task.id());
        }
        return cancelled;
    }

    public void kill(String slug) throws CrewException {
        answer(roster.remove(slug).kill());
        followers.left(slug);
        changes.saveCrew();
    }

    /** Restarts the clone's brain on its conversation, or with {@code fresh} on a new one (the transcript keeps the old). */
    public void reboot(String slug, boolean fresh) throws CrewException {
        answer(roster.existing(slug).reboot(fresh));
    }

    /** The clones {@code who} names, or all of them. */
    public List<CloneInfo> status(String who) throws CrewException {
        if (who == null || who.isEmpty()) {
            return roster.all().stream().map(Clone::info).toList();
        }
        return roster.matching(parse(who), who, config()).stream().map(Clone::info).toList();
    }

    /** Streams the clone {@code who} names to {@code client}; it never enrolls one. Returns its slug. */
    public String watch(String who, Client client, String re, boolean raw) throws CrewException {
        Who w = parse(who);
        if (w.enroll()) {
            throw new CrewException(ErrorCode.BAD_REQUEST, "'++' enrolls a clone; watch one that exists",
                    "khlone status lists the crew");
        }
        Clone clone;
        if (w.role() == null && w.brain() == null) {
            String hero = hero();
            if (hero == null) {
                throw new CrewException(ErrorCode.UNKNOWN_CLONE, "the hero has not been enrolled yet",
                        "give it a task first: khlone act \"...\"");
            }
            clone = roster.existing(hero);
        } else {
            clone = roster.matching(w, who, config()).get(0);
        }
        clone.watch(client, re, raw);
        return clone.slug;
    }

    /**
     * {@code client} follows the whole crew until it closes: {@code answer} of every clone, then each
     * change of one (see {@link Followers}).
     */
    public void follow(Client client, String re, Function<List<CloneInfo>, Reply> answer) {
        followers.follow(client, re, () -> roster.all().stream().map(Clone::info).toList(), answer);
    }

    /** Attaches {@code client} to the TUI of the clone {@code who} names (the hero if empty); returns it. */
    public Talk talk(String who, Client client, String re, int cols, int rows, boolean now) throws CrewException {
        Clone clone = roster.resolve(parse(who), config(), "khlone talk ");
        answer(clone.talk(client, re, cols, rows, now));
        return new Talk(clone, client);
    }

    /** A talk in progress, for the connection that holds it. */
    public static final class Talk {
        private final Clone clone;
        private final Client client;

        private Talk(Clone clone, Client client) {
            this.clone = clone;
            this.client = client;
        }

        /** Keystrokes for the TUI; dropped once this talk has ended (they must reach no other talk, nor a headless brain). */
        public void input(byte[] data) {
            clone.input(client, data);
        }

        public void resize(int cols, int rows) {
            clone.resize(cols, rows);
        }

        public void detach(Client client) {
            clone.detach(client);
        }
    }

    /** The hero's slug, once it has been enrolled (null also while khlone.yml is invalid). */
    public String hero() {
        return changes.hero();
    }

    /**
     * What is left today (from local midnight) of khlone.yml's {@code budget.day}, in dollars;
     * null when there is no such cap.
     */
    public Double dayBudgetLeft(long nowMs) {
        return changes.dayLeft(nowMs);
    }

    /**
     * Ends every brain; the journal keeps the work for the next daemon. A task cut short here goes
     * back to its queue without counting against it: stopping the daemon was someone's decision.
     */
    public void shutdown() {
        changes.close();
        roster.close().forEach(Clone::shutdown);
        timers.shutdownNow();
        for (TaskInfo t : book.active()) {
            try {
                store.journal(t.requeued(), book.profile(t.cloneSlug()));
                store.transcript(t.cloneSlug(), new TranscriptEntry(System.currentTimeMillis(), t.id(),
                        TranscriptEntry.Kind.NOTE, "the daemon was stopped during this task; it runs again", null, false));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot put " + t.id() + " back in its queue; the next daemon counts it as interrupted", e);
            }
        }
    }

    /** {@code KHLONE_TURN_TIMEOUT} seconds of silence end a turn; 10 minutes unless set. */
    private static Duration turnTimeout(Map<String, String> env) throws IOException {
        String value = env.get("KHLONE_TURN_TIMEOUT");
        try {
            long seconds = value == null || value.isBlank() ? 600 : Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IOException("KHLONE_TURN_TIMEOUT=" + value + " is not a positive number of seconds;"
                + " unset it or give whole seconds, e.g. KHLONE_TURN_TIMEOUT=900");
    }

    private ZoneConfig config() throws CrewException {
        try {
            return config.current();
        } catch (ZoneConfig.Invalid e) {
            throw new CrewException(ErrorCode.BAD_REQUEST, e.getMessage(), "fix " + zone.root().resolve(ZoneConfig.FILE));
        }
    }

    private static Who parse(String who) throws CrewException {
        try {
            return Who.parse(who);
        } catch (IllegalArgumentException e) {
            throw new CrewException(ErrorCode.BAD_REQUEST, e.getMessage(), null);
        }
    }

    private <T> T answer(CompletableFuture<T> future) throws CrewException {
        try {
            return future.get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CrewException) {
                throw (CrewException) cause;
            }
            if (cause instanceof IOException) {
                throw CrewException.unwritable((IOException) cause, home, "nothing was changed");
            }
            throw new CrewException(ErrorCode.INTERNAL, String.valueOf(cause.getMessage()), "see the daemon's log");
        } catch (TimeoutException e) {
            throw new CrewException(ErrorCode.BUSY, "the clone did not answer within " + ANSWER_TIMEOUT_S + " s",
                    "see the daemon's log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrewException(ErrorCode.INTERNAL, "interrupted", null);
        }
    }
}
