package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.brain.Orphans;
import dev.khlone.daemon.server.Client;
import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The zone's clones: who they are, how a {@code --who} finds or enrolls one, and the record of
 * every task. Clones run their own work; the crew keeps the journal, the crew file and the
 * awaiters, and answers for tasks across clones.
 */
public final class Crew implements Clone.Owner {
    private static final Logger LOG = Logger.getLogger(Crew.class.getName());
    private static final long ANSWER_TIMEOUT_S = 60;
    private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9-]*\\.[1-9][0-9]{0,5}");

    private final Zone zone;
    private final Store store;
    private final Map<String, Brain> brains;
    private final Map<String, String> env;
    private final Duration turnTimeout;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crew-timers");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();

    // Guarded by this.
    private final Map<String, Clone> clones = new LinkedHashMap<>();
    private final Map<String, Integer> indexes = new LinkedHashMap<>();

    private final Map<String, TaskInfo> tasks = new ConcurrentHashMap<>();
    /** Set on shutdown: what clones still report then is an interruption the next daemon undoes, not a change to record. */
    private volatile boolean closed;
    private final Map<String, List<Awaiter>> awaiters = new HashMap<>();
    /** The profile each clone runs, by slug, for the journal's records. */
    private final Map<String, String> profileNames = new ConcurrentHashMap<>();

    private Crew(Zone zone, Store store, Map<String, Brain> brains, Map<String, String> env) throws IOException {
        this.turnTimeout = turnTimeout(env);
        this.zone = zone;
        this.store = store;
        this.brains = brains;
        this.env = env;
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
        Crew crew = new Crew(zone, store, brains, env);
        crew.load();
        return crew;
    }

    private synchronized void load() throws IOException {
        Store.Loaded loaded = store.load();
        tasks.putAll(loaded.tasks());
        indexes.putAll(loaded.indexes());
        ZoneConfig config;
        try {
            config = ZoneConfig.load(zone.root());
        } catch (ZoneConfig.Invalid e) {
            LOG.warning(e.getMessage() + "; the clones run their brains without their khlone.yml settings until it is fixed");
            config = null;
        }
        Set<String> placed = new HashSet<>();
        for (CloneRecord r : loaded.clones()) {
            Orphans.end(r.pid(), r.pidStartMs());
            List<String> ids = new ArrayList<>();
            if (r.current() != null) {
                ids.add(r.current());
            }
            ids.addAll(r.queue());
            restore(r.slug(), r.role(), r.index(), r.brain(), r.profile(), config,
                    r.seriesId() == null ? null : new Series(r.seriesId(), r.seriesStarted()), r.talkSinceMs(), ids,
                    r.failure(), placed);
        }
        rebuild(loaded, config, placed);
        for (TaskInfo t : List.copyOf(tasks.values())) {
            if (!t.status().ended() && !placed.contains(t.id())) {
                taskChanged(t.ended(Status.FAILED, null, "its clone " + t.cloneSlug() + " is gone", System.currentTimeMillis()));
            }
        }
        clones.values().forEach(Clone::boot);
        if (!clones.isEmpty()) {
            LOG.info("restored the crew: " + String.join(", ", clones.keySet()));
        }
    }

    /**
     * Puts back the clones the journal has unfinished work for and the crew file does not have (it
     * was unreadable, moved away, or lagged an enrollment): role and index from the slug, profile
     * from the journal (the hero's for records of an older khlone), a new series.
     */
    private void rebuild(Store.Loaded loaded, ZoneConfig config, Set<String> placed) throws IOException {
        for (TaskInfo t : tasks.values()) {
            if (SLUG.matcher(t.cloneSlug()).matches()) {
                indexes.merge(role(t.cloneSlug()), index(t.cloneSlug()), Math::max);
            }
        }
        String heroBrain = config == null ? ZoneConfig.DEFAULT.heroBrain() : config.heroBrain();
        List<String> rebuilt = new ArrayList<>();
        for (String slug : tasks.values().stream().filter(t -> !t.status().ended() && !clones.containsKey(t.cloneSlug()))
                .map(TaskInfo::cloneSlug).filter(slug -> SLUG.matcher(slug).matches()).distinct().toList()) {
            String profile = loaded.profiles().getOrDefault(slug, heroBrain);
            String brain = config == null ? profile : config.profile(profile).brain();
            if (restore(slug, role(slug), index(slug), brain, profile, config, null, 0, List.of(), null, placed)) {
                rebuilt.add(slug);
            }
        }
        if (loaded.crewTrouble() != null || !rebuilt.isEmpty()) {
            LOG.warning((loaded.crewTrouble() == null ? "the crew file lacked clones with queued work" : loaded.crewTrouble())
                    + "; rebuilt the crew from the task journal: " + (rebuilt.isEmpty() ? "no clone had work left"
                    : String.join(", ", rebuilt) + " (on new conversations: their series were in the crew file)"));
        }
    }

    private static String role(String slug) {
        return slug.substring(0, slug.lastIndexOf('.'));
    }

    private static int index(String slug) {
        return Integer.parseInt(slug.substring(slug.lastIndexOf('.') + 1));
    }

    /**
     * Restores one clone with its work: {@code ids} first (what ran, then the queue), then the
     * clone's other unfinished tasks by age. False if this khlone lacks its brain.
     */
    private boolean restore(String slug, String role, int index, String brainName, String profileName, ZoneConfig config,
                            Series seriesOrNull, long talkSinceMs, List<String> first, String failure, Set<String> placed)
            throws IOException {
        // Whatever a brain of this clone started, tool children that left its session included, is gone before its work runs again.
        Orphans.endMarked(marker(slug));
        Brain brain = brains.get(brainName);
        if (brain == null) {
            LOG.severe(slug + " runs " + brainName + ", which this khlone does not have; its tasks fail");
            return false;
        }
        ZoneConfig.Profile profile = profile(slug, brainName, profileName, config);
        Clone clone = clone(slug, role, index, brain, profile, seriesOrNull == null ? brain.newSeries() : seriesOrNull);
        if (talkSinceMs > 0) {
            clone.talkedSince(Instant.ofEpochMilli(talkSinceMs));
        }
        List<String> ids = new ArrayList<>(first);
        tasks.values().stream()
                .filter(t -> t.cloneSlug().equals(slug) && !t.status().ended() && !ids.contains(t.id()))
                .sorted(Comparator.comparingLong(TaskInfo::createdMs))
                .forEach(t -> ids.add(t.id()));
        List<TaskInfo> work = new ArrayList<>();
        for (String id : ids) {
            TaskInfo t = tasks.get(id);
            if (t != null && !t.status().ended()) {
                placed.add(id);
                if (t.status() == Status.ACTIVE) {
                    // The daemon died during it (one stopped on purpose put it back in the queue).
                    t = t.interrupted("the daemon died during it");
                    TaskInfo givenUp = Clone.givenUp(t, System.currentTimeMillis());
                    if (givenUp != null) {
                        taskChanged(givenUp);
                        transcript(slug, new TranscriptEntry(givenUp.endedMs(), t.id(),
                                TranscriptEntry.Kind.ERROR, givenUp.error(), null, true));
                        continue;
                    }
                    taskChanged(t);
                    transcript(slug, new TranscriptEntry(System.currentTimeMillis(), t.id(),
                            TranscriptEntry.Kind.NOTE, "the daemon died during this task; it runs again", null, false));
                }
                work.add(t);
            }
        }
        long in = 0;
        long out = 0;
        double cost = 0;
        for (TaskInfo t : tasks.values()) {
            if (t.cloneSlug().equals(slug)) {
                in += t.inputTokens() + t.cacheReadTokens() + t.cacheWriteTokens();
                out += t.outputTokens();
                cost += t.costUsd();
            }
        }
        clone.restore(work, in, out, cost, failure);
        clones.put(slug, clone);
        return true;
    }

    /**
     * The profile a restored clone runs: looked up by name in khlone.yml, so that the settings
     * (and the keys in them) are today's and never stored. An alias that is gone, or that now
     * names another brain, leaves the clone on its plain brain, and says so.
     */
    private ZoneConfig.Profile profile(String slug, String brain, String name, ZoneConfig config) {
        if (config == null) {
            return new ZoneConfig.Profile(name, brain, null, List.of(), Map.of());
        }
        ZoneConfig.Profile profile = config.profile(name);
        if (profile.brain().equals(brain)) {
            return profile;
        }
        String why = "the brain alias " + name + " is " + (config.brainAliases().containsKey(name)
                ? "now " + profile.brain() + " in khlone.yml, and a clone's brain never changes" : "no longer in khlone.yml")
                + "; " + slug + " runs plain " + brain;
        LOG.warning(slug + ": " + why);
        transcript(slug, new TranscriptEntry(System.currentTimeMillis(), null, TranscriptEntry.Kind.NOTE, why, null, true));
        return ZoneConfig.Profile.plain(brain);
    }

    /** Queues a task for the clone {@code who} names, enrolling one if it says so or none fits. */
    public TaskInfo submit(TaskMode mode, String prompt, String who, Placement placement)
            throws CrewException {
        if (prompt == null || prompt.isBlank()) {
            throw new CrewException(ErrorCode.BAD_REQUEST, "the prompt is empty", "say what the clone should do");
        }
        try {
            store.retry();
        } catch (IOException e) {
            throw unwritable(e, "new tasks are refused until the records kept meanwhile are written, so that none accepted is lost");
        }
        Clone clone;
        TaskInfo task;
        synchronized (this) {
            clone = resolve(who, "--who ");
            task = TaskInfo.queued(newTaskId(), clone.slug, mode, prompt, System.currentTimeMillis());
            tasks.put(task.id(), task);
        }
        try {
            return answer(clone.submit(task, placement));
        } catch (CrewException e) {
            tasks.remove(task.id(), task); // refused: its acceptance was never recorded
            throw e;
        }
    }

    public Optional<TaskInfo> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /**
     * Calls {@code whenEnded} once the task has ended (at once if it has), or {@code whenNot} with
     * why no end will come soon: its clone has failed and it waits for a person (at once if so; then
     * this throws), or it ended but the journal could not take that (it is written later). Returns
     * what undoes the wait, for a client that goes away first.
     */
    public Runnable await(String id, Consumer<TaskInfo> whenEnded, Consumer<CrewException> whenNot) throws CrewException {
        TaskInfo known = tasks.get(id);
        if (known == null) {
            throw unknownTask(id);
        }
        Clone clone;
        synchronized (this) {
            clone = clones.get(known.cloneSlug());
        }
        TaskInfo now;
        Awaiter awaiter = new Awaiter(whenEnded, whenNot);
        synchronized (awaiters) {
            now = tasks.get(id);
            if (!now.status().ended()) {
                // Checked under the lock that cloneFailed tells awaiters under: no failure falls between.
                CloneInfo info = clone == null ? null : clone.info();
                if (info != null && info.state() == CloneInfo.State.FAILED) {
                    throw stuck(info.slug(), info.failure(), id);
                }
                awaiters.computeIfAbsent(id, k -> new ArrayList<>()).add(awaiter);
                return () -> {
                    synchronized (awaiters) {
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

    /** Someone waiting for a task's end: told the end, or why it will not come soon. */
    private record Awaiter(Consumer<TaskInfo> ended, Consumer<CrewException> not) {}

    /** What an awaiter of a task at a failed clone is told, and what to do about it. */
    private static CrewException stuck(String slug, String failure, String taskId) {
        return new CrewException(ErrorCode.BRAIN_UNAVAILABLE, slug + " has failed (" + failure + "); " + taskId
                + " waits in its queue", "revive it: khlone reboot " + slug + " (or khlone cancel " + taskId + ")");
    }

    public TaskInfo cancel(String id) throws CrewException {
        TaskInfo task = tasks.get(id);
        if (task == null) {
            throw unknownTask(id);
        }
        if (task.status().ended()) {
            throw new CrewException(ErrorCode.TASK_ENDED, task.id() + " has already ended (" + task.status().wire() + ")",
                    "see it with: khlone status --task " + task.id());
        }
        Clone clone;
        synchronized (this) {
            clone = clones.get(task.cloneSlug());
        }
        TaskInfo cancelled = clone == null ? null : answer(clone.cancel(id));
        if (cancelled == null) {
            throw new CrewException(ErrorCode.TASK_ENDED, task.id() + " ended while it was being cancelled",
                    "see it with: khlone status --task " + task.id());
        }
        return cancelled;
    }

    public void kill(String slug) throws CrewException {
        Clone clone;
        synchronized (this) {
            clone = existing(slug);
            clones.remove(slug);
        }
        answer(clone.kill());
        crewChanged();
    }

    public void reboot(String slug) throws CrewException {
        Clone clone;
        synchronized (this) {
            clone = existing(slug);
        }
        answer(clone.reboot());
    }

    /** The clones {@code who} names, or all of them. */
    public List<CloneInfo> status(String who) throws CrewException {
        List<Clone> all;
        synchronized (this) {
            all = List.copyOf(clones.values());
        }
        if (who == null || who.isEmpty()) {
            return all.stream().map(Clone::info).toList();
        }
        Who w = parse(who);
        ZoneConfig config = config();
        String role = w.role() == null ? null : config.role(w.role());
        ZoneConfig.Profile asked = w.brain() == null ? null : config.profile(w.brain());
        List<CloneInfo> matching = all.stream()
                .filter(c -> role == null || c.role.equals(role))
                .filter(c -> w.index() == null || c.index == w.index())
                .filter(c -> fits(c, asked, w.index() != null))
                .map(Clone::info).toList();
        if (matching.isEmpty()) {
            throw new CrewException(ErrorCode.UNKNOWN_CLONE, "no clone is " + who, crewHint(all));
        }
        return matching;
    }

    /** Streams the clone {@code who} names to {@code client}; it never enrolls one. Returns its slug. */
    public String watch(String who, Client client, String re, boolean raw) throws CrewException {
        Clone clone = existingFor(who);
        clone.watch(client, re, raw);
        return clone.slug;
    }

    /** Attaches {@code client} to the TUI of the clone {@code who} names (the hero if empty); returns it. */
    public Talk talk(String who, Client client, String re, int cols, int rows, boolean now) throws CrewException {
        Clone clone;
        synchronized (this) {
            clone = resolve(who, "khlone talk ");
        }
        answer(clone.talk(client, re, cols, rows, now));
        return new Talk(clone);
    }

    /** A talk in progress, for the connection that holds it. */
    public static final class Talk {
        private final Clone clone;

        private Talk(Clone clone) {
            this.clone = clone;
        }

        public void input(byte[] data) {
            clone.input(data);
        }

        public void resize(int cols, int rows) {
            clone.resize(cols, rows);
        }

        public void detach(Client client) {
            clone.detach(client);
        }
    }

    private Clone existingFor(String who) throws CrewException {
        Who w = parse(who);
        if (w.enroll()) {
            throw new CrewException(ErrorCode.BAD_REQUEST, "'++' enrolls a clone; watch one that exists",
                    "khlone status lists the crew");
        }
        synchronized (this) {
            if (w.role() == null && w.brain() == null) {
                String hero = hero();
                if (hero == null) {
                    throw new CrewException(ErrorCode.UNKNOWN_CLONE, "the hero has not been enrolled yet",
                            "give it a task first: khlone act \"...\"");
                }
                return clones.get(hero);
            }
        }
        List<CloneInfo> matching = status(who);
        synchronized (this) {
            return clones.get(matching.get(0).slug());
        }
    }

    /** The hero's slug, once it has been enrolled. */
    public synchronized String hero() {
        String role;
        try {
            role = config().heroRole();
        } catch (CrewException e) {
            return null;
        }
        return clones.values().stream().filter(c -> c.role.equals(role)).map(c -> c.slug).findFirst().orElse(null);
    }

    /** Stops recording and drops the clones without ending their brains, as a daemon killed with -9 would (for tests). */
    synchronized void abandon() {
        closed = true;
        timers.shutdownNow();
        clones.values().forEach(Clone::abandon);
    }

    /**
     * Ends every brain; the journal keeps the work for the next daemon. A task cut short here goes
     * back to its queue without counting against it: stopping the daemon was someone's decision.
     */
    public synchronized void shutdown() {
        closed = true;
        clones.values().forEach(Clone::shutdown);
        timers.shutdownNow();
        for (TaskInfo t : tasks.values()) {
            if (t.status() == Status.ACTIVE) {
                try {
                    store.journal(t.requeued(), profileNames.get(t.cloneSlug()));
                    store.transcript(t.cloneSlug(), new TranscriptEntry(System.currentTimeMillis(), t.id(),
                            TranscriptEntry.Kind.NOTE, "the daemon was stopped during this task; it runs again", null, false));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot put " + t.id() + " back in its queue; the next daemon counts it as interrupted", e);
                }
            }
        }
    }

    // --- Clone.Owner: called on clones' threads

    @Override
    public void taskChanged(TaskInfo task) throws IOException {
        if (closed) {
            return;
        }
        Store.Unsaved unsaved = null;
        try {
            store.journal(task, profileNames.get(task.cloneSlug()));
        } catch (Store.Unsaved e) {
            // Kept, and written when the disk takes it: the clone goes on, and a task that ended stays ended.
            LOG.severe("cannot journal " + task.id() + " (" + e.getMessage() + "); the record is kept and retried");
            unsaved = e;
        }
        List<Awaiter> waiting = List.of();
        synchronized (awaiters) {
            tasks.put(task.id(), task);
            if (task.status().ended()) {
                List<Awaiter> list = awaiters.remove(task.id());
                waiting = list == null ? List.of() : list;
            }
        }
        if (unsaved == null) {
            waiting.forEach(w -> w.ended().accept(task));
        } else {
            CrewException why = unwritable(unsaved, task.id() + " ended (" + task.status().wire()
                    + ") and will not run again; the daemon records that as soon as the disk takes it");
            waiting.forEach(w -> w.not().accept(why));
        }
    }

    @Override
    public void cloneFailed(String slug, String failure, List<String> waiting) {
        if (closed) {
            return;
        }
        Map<String, List<Awaiter>> told = new LinkedHashMap<>();
        synchronized (awaiters) {
            for (String id : waiting) {
                List<Awaiter> list = awaiters.remove(id);
                if (list != null) {
                    told.put(id, list);
                }
            }
        }
        told.forEach((id, list) -> list.forEach(a -> a.not().accept(stuck(slug, failure, id))));
    }

    @Override
    public void crewChanged() {
        if (closed) {
            return;
        }
        List<CloneRecord> records;
        String hero;
        Map<String, Integer> idx;
        synchronized (this) {
            records = clones.values().stream().map(Clone::record).toList();
            idx = Map.copyOf(indexes);
        }
        hero = hero();
        try {
            store.saveCrew(hero, idx, records);
        } catch (IOException e) {
            if (!closed) { // a save cut short by shutdown leaves the previous file, which is what the next daemon wants
                // One line, not a trace: on a full disk this recurs with every change until there is room.
                LOG.severe("cannot save the crew file (" + e + "); the next change of the crew tries again,"
                        + " and the journal rebuilds what it lacks");
            }
        }
    }

    @Override
    public void transcript(String slug, TranscriptEntry entry) {
        if (closed) {
            return;
        }
        store.transcript(slug, entry);
        Clone clone;
        synchronized (this) {
            clone = clones.get(slug);
        }
        if (clone != null) {
            clone.audience().entry(entry);
        }
    }

    // --- who

    /** The clone {@code who} names, enrolled if need be; {@code naming} is how the command at hand names a new one in hints. */
    private Clone resolve(String who, String naming) throws CrewException {
        Who w = parse(who);
        ZoneConfig config = config();
        String role = w.role() == null ? config.heroRole() : config.role(w.role());
        ZoneConfig.Profile asked = w.brain() == null ? null : config.profile(w.brain());
        if (asked != null && !brains.containsKey(asked.brain())) {
            throw new CrewException(ErrorCode.UNKNOWN_BRAIN, "there is no brain called " + w.brain(),
                    "known brains: " + String.join(", ", brains.keySet())
                            + (config.brainAliases().isEmpty() ? "" : "; aliases in khlone.yml: "
                            + String.join(", ", config.brainAliases().keySet())));
        }
        ZoneConfig.Profile profile = asked != null ? asked : config.profile(config.heroBrain());
        if (w.exact()) {
            Clone c = clones.get(role + "." + w.index());
            if (c == null) {
                boolean roleKnown = clones.values().stream().anyMatch(x -> x.role.equals(role));
                throw new CrewException(ErrorCode.UNKNOWN_CLONE, roleKnown ? "there is no clone " + role + "." + w.index()
                        : "no clone has the role " + role, crewHint(clones.values()));
            }
            if (asked != null && !c.brain().equals(asked.brain())) {
                throw new CrewException(ErrorCode.BRAIN_MISMATCH, c.slug + " runs " + c.brain() + ", not " + asked.brain(),
                        "a clone's brain never changes; enroll another: --who " + role + "@" + w.brain() + "++");
            }
            return c;
        }
        if (!w.enroll()) {
            List<Clone> ofRole = clones.values().stream()
                    .filter(c -> c.role.equals(role))
                    .filter(c -> fits(c, asked, false))
                    .toList();
            Optional<Clone> fit = ofRole.stream()
                    .filter(c -> c.info().state() != CloneInfo.State.FAILED)
                    .min(Comparator.comparingInt(c -> c.info().queue().size() + (c.info().task() == null ? 0 : 1)));
            if (fit.isPresent()) {
                return fit.get();
            }
            if (!ofRole.isEmpty()) {
                // A new clone would start a new conversation behind the person's back: they decide.
                CloneInfo failed = ofRole.get(0).info();
                throw new CrewException(ErrorCode.BRAIN_UNAVAILABLE, failed.slug() + " has failed: " + failed.failure(),
                        "khlone reboot " + failed.slug() + ", or " + naming + role + (w.brain() == null ? "" : "@" + w.brain())
                                + "++ for a new clone");
            }
        }
        return enroll(role, profile);
    }

    /**
     * Whether a clone answers {@code @name}: a clone named exactly ({@code mechanic.2@claude}) if
     * it runs that brain; otherwise only a clone of that very profile, so that {@code @opus} never
     * lands on a claude clone with other settings, nor {@code @claude} on an {@code opus} one.
     */
    private static boolean fits(Clone c, ZoneConfig.Profile asked, boolean exact) {
        return asked == null || (exact ? c.brain().equals(asked.brain()) : c.profile.name().equals(asked.name()));
    }

    private Clone enroll(String role, ZoneConfig.Profile profile) throws CrewException {
        Brain brain = brains.get(profile.brain());
        if (brain == null) {
            throw new CrewException(ErrorCode.UNKNOWN_BRAIN, "there is no brain called " + profile.brain(),
                    "known brains: " + String.join(", ", brains.keySet()));
        }
        Options options = options(profile);
        Preflight preflight = brain.check(options);
        if (!preflight.ok()) {
            throw new CrewException(ErrorCode.BRAIN_UNAVAILABLE, preflight.problem(), preflight.hint());
        }
        int index = Math.max(indexes.getOrDefault(role, 0),
                clones.values().stream().filter(c -> c.role.equals(role)).mapToInt(c -> c.index).max().orElse(0)) + 1;
        String slug = role + "." + index;
        Clone clone = clone(slug, role, index, brain, profile, brain.newSeries());
        clones.put(slug, clone);
        indexes.put(role, index);
        LOG.info("enrolled " + slug + " on " + brain.name());
        clone.boot();
        return clone;
    }

    private Clone clone(String slug, String role, int index, Brain brain, ZoneConfig.Profile profile, Series series) {
        BrainHandle handle = new BrainHandle(slug, marker(slug), brain, series, options(profile));
        profileNames.put(slug, profile.name());
        return new Clone(slug, role, index, profile, handle, this, timers, turnTimeout);
    }

    /** What tags the processes of a clone's brain: the zone's id is unique to its root, a slug is never reused in a zone. */
    private String marker(String slug) {
        return zone.id() + "/" + slug;
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

    private Options options(ZoneConfig.Profile profile) {
        Map<String, String> vars = new HashMap<>(env);
        vars.putAll(profile.env());
        return new Options(zone.root(), profile.model(), profile.args(), new Environment(vars));
    }

    private ZoneConfig config() throws CrewException {
        try {
            return ZoneConfig.load(zone.root());
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

    private Clone existing(String slug) throws CrewException {
        Clone c = clones.get(slug);
        if (c == null) {
            throw new CrewException(ErrorCode.UNKNOWN_CLONE, "there is no clone " + slug, crewHint(clones.values()));
        }
        return c;
    }

    private static String crewHint(java.util.Collection<Clone> all) {
        return all.isEmpty() ? "the crew is empty: khlone act \"...\" enrolls the hero"
                : "the crew: " + all.stream().map(c -> c.slug + " (" + c.brain() + ")").collect(Collectors.joining(", "));
    }

    /** The state dir refused a write; {@code what} says what became of the request. */
    private CrewException unwritable(IOException e, String what) {
        String why = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
        return new CrewException(ErrorCode.STATE_UNWRITABLE, "the zone's state could not be saved: "
                + why.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + why.substring(1),
                "free space on the disk of KHLONE_HOME (" + Locations.fromEnvironment(env).home() + ") or fix its permissions; "
                        + what);
    }

    private CrewException unknownTask(String id) {
        return new CrewException(ErrorCode.UNKNOWN_TASK, "there is no task " + id, "khlone status lists the crew's tasks");
    }

    private String newTaskId() {
        for (int digits = 4; ; digits++) {
            for (int attempt = 0; attempt < 16; attempt++) {
                String id = "t-" + String.format("%0" + digits + "x", random.nextInt(1 << (4 * digits)));
                if (!tasks.containsKey(id)) {
                    return id;
                }
            }
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
                throw unwritable((IOException) cause, "nothing was changed");
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
