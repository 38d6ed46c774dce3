package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.brain.BrainHandle.TurnFailed;
import dev.khlone.daemon.brain.Orphans;
import dev.khlone.daemon.server.Client;
import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.daemon.watch.Audience;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.CloneInfo.State;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent of the crew, a state machine over its brain: it owns its brain handle, its
 * {@link TaskQueue}, {@link CrashPolicy}, {@link Transcriber} totals and {@link Talk}, and runs
 * one task at a time. Every change happens on its {@link OwnerThread}; the handle's reader and
 * exit threads and the timers only post to it. What a change tells others (task records,
 * transcript entries, messages to a talker) is noted as news and goes out in one place,
 * {@link #settle}: after each job, and before the owner thread waits on its brain, the snapshot
 * others read ({@link #info}, {@link #record}) is published first, then the news, then the crew
 * file is saved if the record changed.
 */
final class Clone {
    private static final Logger LOG = Logger.getLogger(Clone.class.getName());

    /** What the crew does with a clone's changes: journal tasks, save the crew file, tell awaiters. */
    interface Owner {
        void taskChanged(TaskInfo task) throws IOException;

        void crewChanged();

        void transcript(String slug, TranscriptEntry entry);

        /** The clone failed; {@code waiting} are the tasks left in its queue, which wait for a reboot. */
        void cloneFailed(String slug, String failure, List<String> waiting);
    }

    final String slug;
    final String role;
    final int index;
    final ZoneConfig.Profile profile;
    private final BrainHandle handle;
    private final Owner owner;
    private final ScheduledExecutorService timers;
    /** A turn with no output from the brain for this long is stopped: opencode retries a 5xx forever, silently. */
    private final Duration turnTimeout;
    private volatile long lastOutputNanos;
    private final OwnerThread thread;
    private final Audience audience;

    // Owned by the owner thread.
    private final TaskQueue queue = new TaskQueue();
    private final CrashPolicy crashes = new CrashPolicy();
    private final Transcriber transcriber = new Transcriber();
    private final Talk talk;
    private State state = State.REBOOTING;
    private String failure;
    /** What the changes since the last {@link #settle} tell others, in the order they happened. */
    private final List<Runnable> news = new ArrayList<>();

    private volatile CloneInfo info;
    private volatile CloneRecord record;
    /** The running task's id, for the brain's reader thread. */
    private volatile String currentTask;

    Clone(String slug, String role, int index, ZoneConfig.Profile profile, BrainHandle handle, Owner owner,
          ScheduledExecutorService timers, Duration turnTimeout) {
        this.slug = slug;
        this.role = role;
        this.index = index;
        this.profile = profile;
        this.handle = handle;
        this.owner = owner;
        this.timers = timers;
        this.turnTimeout = turnTimeout;
        this.thread = new OwnerThread(slug, this::settle);
        this.audience = new Audience(slug);
        this.talk = new Talk(slug, handle, audience, news::add);
        handle.onEvent(this::transcribe);
        handle.onData((bytes, offset, length) -> {
            lastOutputNanos = System.nanoTime();
            audience.bytes(bytes, offset, length);
        });
        handle.onExit((pid, code, expected) -> {
            if (!expected) {
                thread.post(() -> {
                    if (state == State.TALKING) {
                        // The person left the TUI its own way (/exit, ctrl-c twice): back to the queue.
                        endTalk(talk.talker(), profile.brain() + "'s TUI exited");
                    } else if (state != State.REBOOTING) {
                        // While rebooting, the exit is the old process's, already counted.
                        crashed("the brain exited with code " + code);
                    }
                });
            }
        });
        publish();
    }

    String brain() {
        return profile.brain();
    }

    CloneInfo info() {
        return info;
    }

    CloneRecord record() {
        return record;
    }

    /** Work found in the state dir: what ran when the daemon stopped goes first, then the queue. */
    void restore(List<TaskInfo> tasks, long input, long output, double cost, String failedBefore) {
        thread.call(() -> {
            queue.restore(tasks);
            transcriber.restore(input, output, cost);
            failure = failedBefore;
            state = failedBefore == null ? State.REBOOTING : State.FAILED;
            // Published here, so that settling tells nothing: the crew restoring it holds its lock and waits.
            publish();
            return null;
        }).join();
    }

    /** Before it boots: the daemon died while a person talked to it, since {@code since}, on a series not begun. */
    void talkedSince(Instant since) {
        handle.talkedSince(since);
    }

    /** A task of another clone failed when given up, for a daemon that died during its attempts (Crew's restore). */
    static TaskInfo givenUp(TaskInfo task, long nowMs) {
        return CrashPolicy.givenUp(task, nowMs);
    }

    /** Starts the brain (unless the clone was failed) and the queue. */
    CompletableFuture<Void> boot() {
        return thread.call(() -> {
            if (state != State.FAILED) {
                start(() -> handle.enboot(Mode.DISPATCH));
            }
            return null;
        });
    }

    CompletableFuture<TaskInfo> submit(TaskInfo task, boolean first, boolean disrupt) {
        return thread.call(() -> {
            // Its first record is its acceptance: a task the journal refused changes nothing, and the caller hears why.
            owner.taskChanged(task);
            TaskInfo interrupted = queue.place(task, TaskQueue.Placement.of(first, disrupt));
            if (interrupted != null) {
                journal(interrupted);
                note(interrupted.id(), "interrupted by " + task.id() + "; it runs again after it");
                restart();
            }
            pump();
            return task;
        });
    }

    /** Cancels a queued or running task of this clone; null if it has no such task. */
    CompletableFuture<TaskInfo> cancel(String taskId) {
        return thread.call(() -> {
            boolean running = queue.isRunning(taskId);
            TaskInfo cancelled = queue.cancel(taskId, now());
            if (cancelled != null) {
                journal(cancelled);
            }
            if (running) {
                tell(Transcriber.error(taskId, cancelled.error(), now()));
                restart();
                pump();
            }
            return cancelled;
        });
    }

    /** Ends the brain; what was running and queued is cancelled. The clone is done after this. */
    CompletableFuture<Void> kill() {
        return thread.call(() -> {
            handle.kill();
            queue.cancelAll("its clone " + slug + " was killed", now()).forEach(this::journal);
            note(null, "killed");
            state = State.FAILED;
            failure = "killed";
            thread.close();
            return null;
        });
    }

    /** A fresh brain on the same series; revives a failed clone. What was running runs again. */
    CompletableFuture<Void> reboot() {
        return thread.call(() -> {
            failure = null;
            crashes.forgive();
            requeue("a person rebooted the brain");
            note(null, "rebooted by request");
            start(() -> handle.reboot(Mode.DISPATCH));
            return null;
        });
    }

    Audience audience() {
        return audience;
    }

    /** Shows this clone to {@code client}: its recent history or screen, then what it does. */
    void watch(Client client, String re, boolean raw) {
        audience.watch(client, re, raw);
    }

    /**
     * Attaches {@code client} to the clone's TUI: the queue pauses; a running task is waited for
     * (or, {@code now}, interrupted and put back first); the brain reboots interactive on its
     * series. {@link dev.khlone.protocol.wire.Talking} tells the client when it is attached.
     */
    CompletableFuture<Void> talk(Client client, String re, int cols, int rows, boolean now) {
        return thread.call(() -> {
            talk.checkFree();
            if (state == State.FAILED) {
                throw new CrewException(ErrorCode.BRAIN_UNAVAILABLE, slug + " has failed: " + failure,
                        "revive it first: khlone reboot " + slug);
            }
            Talk.Talker t = talk.join(client, re, cols, rows);
            client.onClose(() -> thread.post(() -> endTalk(t, "the talker's connection closed")));
            TaskInfo running = queue.running();
            if (running != null && !now) {
                talk.waitFor(running, now());
                return null;
            }
            if (running != null) {
                TaskInfo interrupted = requeue("a person took over the brain to talk with it");
                note(interrupted.id(), "interrupted for a talk; it runs again afterwards");
                talk.interrupted(interrupted);
            }
            startTalk();
            return null;
        });
    }

    /** Keystrokes from the talker; straight to the TUI, not through the owner thread. */
    void input(byte[] data) {
        handle.write(data);
    }

    /** The latest talker's terminal size is the size the brain sees. */
    void resize(int cols, int rows) {
        handle.resize(cols, rows);
        audience.resize(cols, rows);
    }

    void detach(Client client) {
        thread.post(() -> endTalk(talk.of(client), "detached"));
    }

    /** Stops the brain without a word, for a daemon shutting down: the journal keeps the work for the next one. */
    void shutdown() {
        thread.stop();
        handle.kill();
        thread.awaitStopped(Duration.ofSeconds(10));
    }

    /** Stops the owner thread and leaves the brain running, as a daemon killed with -9 would (for tests). */
    void abandon() {
        thread.stop();
        handle.abandon();
    }

    // --- on the owner thread

    /** A call into the brain that may block for seconds (a process starts or stops, a prompt is written). */
    private interface BrainCall {
        void run() throws IOException;
    }

    /** Runs {@code call} after settling: whoever looks meanwhile sees what led to it. */
    private void onBrain(BrainCall call) throws IOException {
        settle();
        call.run();
    }

    private void start(BrainCall start) {
        state = State.REBOOTING;
        try {
            onBrain(start);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, slug + ": the brain did not start", e);
            crashed("the brain did not start: " + e.getMessage());
            return;
        }
        state = State.IDLE;
        pump();
    }

    /** Cuts the running turn short: a reboot on the same series, the queue goes on after it. */
    private void restart() {
        start(() -> handle.reboot(Mode.DISPATCH));
    }

    /** Puts the running task back first on a person's request ({@code why}); returns it, or null if none ran. */
    private TaskInfo requeue(String why) {
        TaskInfo again = queue.requeue(why);
        if (again != null) {
            journal(again);
        }
        return again;
    }

    /** A talker waiting goes first; else the next task starts, if the brain is idle. */
    private void pump() {
        if (state != State.IDLE || queue.running() != null) {
            return;
        }
        if (talk.waiting()) {
            startTalk();
            return;
        }
        TaskQueue.Started next = queue.start(now());
        if (next == null) {
            return;
        }
        String id = next.task().id();
        state = State.ACTIVE;
        journal(next.task());
        tell(Transcriber.prompt(id, next.prompt(), now()));
        settle(); // the task is journalled active before its brain hears of it
        CompletableFuture<BrainEvent.TurnCompleted> turn;
        try {
            Prompt prompt = new Prompt(next.prompt());
            turn = next.task().mode() == TaskInfo.Mode.ASK ? handle.ask(prompt) : handle.act(prompt);
        } catch (IllegalStateException | UncheckedIOException e) {
            crashed(e.getMessage());
            return;
        }
        turn.whenComplete((done, error) -> thread.post(() -> turnEnded(id, done, error)));
        lastOutputNanos = System.nanoTime();
        checkSilence(id, turnTimeout.toNanos());
    }

    /** In {@code delayNanos}, fails the turn of {@code id} if the brain has said nothing for the turn timeout. */
    private void checkSilence(String id, long delayNanos) {
        timers.schedule(() -> thread.post(() -> {
            if (!queue.isRunning(id) || state != State.ACTIVE) {
                return;
            }
            long quiet = System.nanoTime() - lastOutputNanos;
            if (quiet < turnTimeout.toNanos()) {
                checkSilence(id, turnTimeout.toNanos() - quiet);
                return;
            }
            String why = "no word from " + profile.brain() + " for " + turnTimeout.toSeconds()
                    + " s; the turn was stopped and the brain restarted (the limit is KHLONE_TURN_TIMEOUT)";
            journal(queue.fail(why, now()));
            tell(Transcriber.error(id, why, now()));
            LOG.warning(slug + ": " + why);
            restart();
        }), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void turnEnded(String id, BrainEvent.TurnCompleted done, Throwable error) {
        if (!queue.isRunning(id)) {
            return; // cancelled, interrupted or killed meanwhile: that path settled the task
        }
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (done != null) {
            crashes.turnCompleted();
            // The result before the task's end: a --watch client stops at the end.
            tell(transcriber.result(id, done, now()));
            journal(queue.finish(done, now()));
        } else if (cause instanceof TurnFailed failed && failed.reason() == TurnFailed.Reason.REPORTED) {
            tell(Transcriber.error(id, cause.getMessage(), now()));
            journal(queue.fail(cause.getMessage(), now()));
        } else {
            return; // the brain exited: the crash handling runs the task again
        }
        state = State.IDLE;
        pump();
    }

    private void startTalk() {
        Talk.Talker t = talk.attach();
        state = State.TALKING;
        try {
            onBrain(() -> handle.reboot(Mode.INTERACTIVE));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, slug + ": the TUI did not start", e);
            endTalk(t, profile.brain() + "'s TUI did not start: " + e.getMessage());
            return;
        }
        note(null, "a person is talking to the brain");
        talk.attached(t);
    }

    /** Ends a talk (if it is still the one): the clone goes back to dispatch and its queue. */
    private void endTalk(Talk.Talker t, String reason) {
        if (talk.end(t, reason)) {
            note(null, "the talk ended: " + reason);
            start(() -> handle.reboot(Mode.DISPATCH));
        }
    }

    private void crashed(String why) {
        if (state == State.FAILED) {
            return;
        }
        long now = now();
        CrashPolicy.Verdict verdict = crashes.clockIn(now, why);
        TaskInfo cut = queue.interrupt(why, now);
        boolean givenUp = cut != null && cut.status().ended();
        if (givenUp) {
            tell(Transcriber.error(cut.id(), cut.error(), now));
        }
        if (cut != null) {
            journal(cut);
        }
        String again = cut == null || givenUp ? null : cut.id();
        if (verdict instanceof CrashPolicy.Verdict.Fail fail) {
            failure = fail.reason();
            state = State.FAILED;
            LOG.warning(slug + ": failed: " + failure);
            tell(Transcriber.error(again, failure, now));
            return;
        }
        Duration delay = ((CrashPolicy.Verdict.Retry) verdict).in();
        state = State.REBOOTING;
        note(again, why + "; rebooting in " + delay.toSeconds() + " s" + (again == null ? "" : ", then running " + again + " again"));
        timers.schedule(() -> thread.post(() -> {
            if (state == State.REBOOTING) {
                start(() -> handle.reboot(Mode.DISPATCH));
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Events of the running turn go to the transcript; called on the brain's reader thread. */
    private void transcribe(BrainEvent event) {
        if (event instanceof BrainEvent.SessionStarted) {
            thread.post(() -> { }); // settling after it publishes the series the brain named, and saves the crew file
            return;
        }
        TranscriptEntry entry = Transcriber.event(event, currentTask, now());
        if (entry != null) {
            owner.transcript(slug, entry);
        }
    }

    private void journal(TaskInfo task) {
        news.add(() -> {
            try {
                owner.taskChanged(task);
            } catch (IOException e) {
                LOG.log(Level.SEVERE, slug + ": cannot journal " + task.id(), e);
            }
        });
    }

    private void tell(TranscriptEntry entry) {
        news.add(() -> owner.transcript(slug, entry));
    }

    private void note(String task, String text) {
        tell(Transcriber.note(task, text, now()));
    }

    /**
     * Publishes the snapshot, then tells the news (whoever hears of a change and looks sees the
     * state it led to), then saves the crew file if the clone's record changed; a clone that
     * failed tells the crew which tasks now wait for a person.
     */
    private void settle() {
        CloneRecord before = record;
        boolean failedBefore = info.state() == State.FAILED;
        publish();
        List<Runnable> told = List.copyOf(news);
        news.clear();
        told.forEach(Runnable::run);
        if (!record.equals(before)) {
            owner.crewChanged();
        }
        if (state == State.FAILED && !failedBefore) {
            owner.cloneFailed(slug, failure, queue.waitingIds());
        }
    }

    private void publish() {
        List<String> ids = queue.waitingIds();
        TaskInfo running = queue.running();
        currentTask = running == null ? null : running.id();
        long pid = handle.pid().orElse(0);
        info = new CloneInfo(slug, profile.brain(), state, currentTask, running == null ? 0 : running.startedMs(), ids,
                transcriber.inputTokens(), transcriber.outputTokens(), transcriber.costUsd(), handle.series().id(), pid, failure);
        record = new CloneRecord(slug, role, index, profile.brain(), profile.name(), handle.series().id(),
                handle.series().started(), currentTask, ids, failure, pid, Orphans.startMs(pid),
                handle.talkSince().map(Instant::toEpochMilli).orElse(0L));
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
