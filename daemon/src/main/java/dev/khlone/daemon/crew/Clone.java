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
import dev.khlone.protocol.store.TranscriptEntry.Kind;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.CloneInfo.State;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Notice;
import dev.khlone.protocol.wire.TalkEnded;
import dev.khlone.protocol.wire.Talking;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent of the crew: it owns its brain handle and its queue, and runs one task at a time.
 * Every change of its state happens on its own owner thread; the handle's reader and exit
 * threads only post to it. What others read (status, the crew file) is a snapshot published
 * after each change.
 */
final class Clone {
    private static final Logger LOG = Logger.getLogger(Clone.class.getName());
    /** More crashes than this within {@link #CRASH_WINDOW} and the clone is marked failed. */
    static final int MAX_CRASHES = 3;
    static final Duration CRASH_WINDOW = Duration.ofSeconds(60);
    /** A task whose attempts were cut short this often by crashes or daemon deaths fails: it may be what kills them. */
    static final int MAX_INTERRUPTIONS = 3;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

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
    private final ExecutorService thread;

    // Owned by the owner thread.
    private final Deque<TaskInfo> queue = new ArrayDeque<>();
    private TaskInfo current;
    private State state = State.REBOOTING;
    private String failure;
    private final Deque<Long> crashes = new ArrayDeque<>();
    /** Why a queued task's last attempt was cut short, for the word its next attempt begins with. */
    private final Map<String, String> interruptedBy = new HashMap<>();
    private int consecutiveCrashes;
    private long inputTokens;
    private long outputTokens;
    private double costUsd;

    /** A person attached, or waiting to attach, to the clone's TUI. */
    private static final class Talker {
        final Client client;
        final String re;
        int cols;
        int rows;
        boolean attached;

        Talker(Client client, String re, int cols, int rows) {
            this.client = client;
            this.re = re;
            this.cols = cols;
            this.rows = rows;
        }
    }

    private final Audience audience;
    private Talker talker;

    private volatile CloneInfo info;
    private volatile CloneRecord record;
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
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clone-" + slug);
            t.setDaemon(true);
            return t;
        });
        this.audience = new Audience(slug);
        handle.onEvent(this::transcribe);
        handle.onData((bytes, offset, length) -> {
            lastOutputNanos = System.nanoTime();
            audience.bytes(bytes, offset, length);
        });
        handle.onExit((pid, code, expected) -> {
            if (!expected) {
                post(() -> {
                    if (state == State.TALKING) {
                        // The person left the TUI its own way (/exit, ctrl-c twice): back to the queue.
                        endTalk(talker, profile.brain() + "'s TUI exited");
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
        run(() -> {
            queue.addAll(tasks);
            inputTokens = input;
            outputTokens = output;
            costUsd = cost;
            failure = failedBefore;
            state = failedBefore == null ? State.REBOOTING : State.FAILED;
            publish();
            return null;
        });
    }

    /** Before it boots: the daemon died while a person talked to it, since {@code since}, on a series not begun. */
    void talkedSince(Instant since) {
        handle.talkedSince(since);
    }

    /** Starts the brain (unless the clone was failed) and the queue. */
    CompletableFuture<Void> boot() {
        return call(() -> {
            if (state != State.FAILED) {
                start(() -> handle.enboot(Mode.DISPATCH));
            }
            return null;
        });
    }

    CompletableFuture<TaskInfo> submit(TaskInfo task, boolean first, boolean disrupt) {
        return call(() -> {
            owner.taskChanged(task);
            if (disrupt && current != null) {
                TaskInfo interrupted = current.requeued();
                current = null;
                owner.taskChanged(interrupted);
                owner.transcript(slug, note(interrupted.id(), "interrupted by " + task.id() + "; it runs again after it"));
                interruptedBy.put(interrupted.id(), "a person had " + task.id() + " run first");
                queue.addFirst(interrupted);
                queue.addFirst(task);
                restart();
            } else if (first || disrupt) {
                queue.addFirst(task);
            } else {
                queue.addLast(task);
            }
            publish();
            owner.crewChanged();
            pump();
            return task;
        });
    }

    /** Cancels a queued or running task of this clone; null if it has no such task. */
    CompletableFuture<TaskInfo> cancel(String taskId) {
        return call(() -> {
            if (current != null && current.id().equals(taskId)) {
                TaskInfo cancelled = current.ended(Status.CANCELLED, null, "cancelled while running", now());
                current = null;
                owner.taskChanged(cancelled);
                owner.transcript(slug, new TranscriptEntry(now(), taskId, Kind.ERROR, "cancelled while running", null, true));
                restart();
                publish();
                owner.crewChanged();
                pump();
                return cancelled;
            }
            for (Iterator<TaskInfo> it = queue.iterator(); it.hasNext(); ) {
                TaskInfo t = it.next();
                if (t.id().equals(taskId)) {
                    it.remove();
                    interruptedBy.remove(taskId);
                    TaskInfo cancelled = t.ended(Status.CANCELLED, null, "cancelled before it ran", now());
                    owner.taskChanged(cancelled);
                    publish();
                    owner.crewChanged();
                    return cancelled;
                }
            }
            return null;
        });
    }

    /** Ends the brain; what was running and queued is cancelled. The clone is done after this. */
    CompletableFuture<Void> kill() {
        return call(() -> {
            handle.kill();
            if (current != null) {
                queue.addFirst(current);
                current = null;
            }
            while (!queue.isEmpty()) {
                owner.taskChanged(queue.poll().ended(Status.CANCELLED, null, "its clone " + slug + " was killed", now()));
            }
            owner.transcript(slug, note(null, "killed"));
            state = State.FAILED;
            failure = "killed";
            publish();
            thread.shutdown();
            return null;
        });
    }

    /** A fresh brain on the same series; revives a failed clone. What was running runs again. */
    CompletableFuture<Void> reboot() {
        return call(() -> {
            failure = null;
            crashes.clear();
            consecutiveCrashes = 0;
            if (current != null) {
                TaskInfo again = current.requeued();
                current = null;
                owner.taskChanged(again);
                queue.addFirst(again);
                interruptedBy.put(again.id(), "a person rebooted the brain");
            }
            owner.transcript(slug, note(null, "rebooted by request"));
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
     * series. {@link Talking} tells the client when it is attached.
     */
    CompletableFuture<Void> talk(Client client, String re, int cols, int rows, boolean now) {
        return call(() -> {
            if (talker != null) {
                throw new CrewException(ErrorCode.BUSY, slug + " is already talking with someone",
                        "watch it instead: khlone watch --who " + slug);
            }
            if (state == State.FAILED) {
                throw new CrewException(ErrorCode.BRAIN_UNAVAILABLE, slug + " has failed: " + failure,
                        "revive it first: khlone reboot " + slug);
            }
            Talker t = new Talker(client, re, cols, rows);
            talker = t;
            client.onClose(() -> post(() -> endTalk(t, "the talker's connection closed")));
            audience.watch(client, re, true);
            if (current != null && now) {
                TaskInfo interrupted = current.requeued();
                current = null;
                owner.taskChanged(interrupted);
                queue.addFirst(interrupted);
                owner.transcript(slug, note(interrupted.id(), "interrupted for a talk; it runs again afterwards"));
                interruptedBy.put(interrupted.id(), "a person took over the brain to talk with it");
                client.send(new Notice(re, "interrupted " + interrupted.id() + "; it runs again when you leave"));
            } else if (current != null) {
                client.send(new Notice(re, "waiting for " + current.id() + " to finish (running for "
                        + (now() - current.startedMs()) / 1000 + " s); --now interrupts it"));
                publish();
                return null;
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
        post(() -> {
            if (talker != null && talker.client == client) {
                endTalk(talker, "detached");
            }
        });
    }

    /** Stops the brain without a word, for a daemon shutting down: the journal keeps the work for the next one. */
    void shutdown() {
        // Now, not after what is queued: nothing queued may start a brain again.
        thread.shutdownNow();
        handle.kill();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the owner thread and leaves the brain running, as a daemon killed with -9 would (for tests). */
    void abandon() {
        thread.shutdownNow();
    }

    // --- on the owner thread

    private interface Start {
        void run() throws IOException;
    }

    private void start(Start start) {
        state = State.REBOOTING;
        publish();
        try {
            start.run();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, slug + ": the brain did not start", e);
            crashed("the brain did not start: " + e.getMessage());
            return;
        }
        state = State.IDLE;
        publish();
        owner.crewChanged();
        pump();
    }

    /** Cuts the running turn short: a reboot on the same series, the queue goes on after it. */
    private void restart() {
        start(() -> handle.reboot(Mode.DISPATCH));
    }

    private void pump() {
        if (state == State.IDLE && current == null && talker != null && !talker.attached) {
            startTalk();
            return;
        }
        if (state != State.IDLE || current != null || queue.isEmpty()) {
            return;
        }
        TaskInfo next = queue.poll().started(now());
        current = next;
        state = State.ACTIVE;
        try {
            owner.taskChanged(next);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, slug + ": cannot journal " + next.id(), e);
        }
        String why = interruptedBy.remove(next.id());
        String text = next.attempts() == 1 ? next.prompt() : again(next, why) + next.prompt();
        owner.transcript(slug, new TranscriptEntry(now(), next.id(), Kind.PROMPT, text, null, false));
        publish();
        owner.crewChanged();
        CompletableFuture<BrainEvent.TurnCompleted> turn;
        try {
            Prompt prompt = new Prompt(text);
            turn = next.mode() == TaskInfo.Mode.ASK ? handle.ask(prompt) : handle.act(prompt);
        } catch (IllegalStateException | UncheckedIOException e) {
            crashed(e.getMessage());
            return;
        }
        String id = next.id();
        turn.whenComplete((done, error) -> post(() -> turnEnded(id, done, error)));
        lastOutputNanos = System.nanoTime();
        checkSilence(id, turnTimeout.toNanos());
    }

    /**
     * What a task's next attempt begins with: its last one was cut short, perhaps after some of its
     * work was done (a file written, a command run), which the brain should not do twice.
     */
    private static String again(TaskInfo task, String why) {
        String reason = why != null ? why
                : task.interruptions().isEmpty() ? null : task.interruptions().get(task.interruptions().size() - 1);
        return "(khlone: an earlier attempt at this task was interrupted before it finished"
                + (reason == null ? "" : " (" + reason + ")")
                + ". Check what it already did before you redo anything.)\n\n";
    }

    /** In {@code delayNanos}, fails the turn of {@code id} if the brain has said nothing for the turn timeout. */
    private void checkSilence(String id, long delayNanos) {
        timers.schedule(() -> post(() -> {
            if (current == null || !current.id().equals(id) || state != State.ACTIVE) {
                return;
            }
            long quiet = System.nanoTime() - lastOutputNanos;
            if (quiet < turnTimeout.toNanos()) {
                checkSilence(id, turnTimeout.toNanos() - quiet);
                return;
            }
            String why = "no word from " + profile.brain() + " for " + turnTimeout.toSeconds()
                    + " s; the turn was stopped and the brain restarted (the limit is KHLONE_TURN_TIMEOUT)";
            TaskInfo failed = current.ended(Status.FAILED, null, why, now());
            current = null;
            settle(failed);
            owner.transcript(slug, new TranscriptEntry(now(), id, Kind.ERROR, why, null, true));
            LOG.warning(slug + ": " + why);
            restart();
        }), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void turnEnded(String id, BrainEvent.TurnCompleted done, Throwable error) {
        if (current == null || !current.id().equals(id)) {
            return; // cancelled, interrupted or killed meanwhile: that path settled the task
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        TaskInfo ended;
        if (done != null) {
            ended = current.used(done.usage().inputTokens(), done.usage().outputTokens(),
                    done.usage().cacheReadTokens(), done.usage().cacheWriteTokens(), done.costUsd(), done.durationMs())
                    .ended(done.isError() ? Status.FAILED : Status.DONE, done.result(),
                            done.isError() ? done.result() : null, now());
            inputTokens += done.usage().inputTokens() + done.usage().cacheReadTokens() + done.usage().cacheWriteTokens();
            outputTokens += done.usage().outputTokens();
            costUsd += done.costUsd();
            consecutiveCrashes = 0;
            owner.transcript(slug, new TranscriptEntry(now(), id, Kind.RESULT, done.result(), null, done.isError()));
        } else if (cause instanceof TurnFailed && ((TurnFailed) cause).reason() == TurnFailed.Reason.REPORTED) {
            ended = current.ended(Status.FAILED, null, cause.getMessage(), now());
            owner.transcript(slug, new TranscriptEntry(now(), id, Kind.ERROR, cause.getMessage(), null, true));
        } else {
            return; // the brain exited: the crash handling runs the task again
        }
        current = null;
        state = State.IDLE;
        publish(); // before anyone awaiting the task hears of its end, so what they see next is consistent
        try {
            owner.taskChanged(ended);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, slug + ": cannot journal " + id, e);
        }
        owner.crewChanged();
        pump();
    }

    private void startTalk() {
        Talker t = talker;
        state = State.TALKING;
        t.attached = true;
        handle.resize(t.cols, t.rows);
        audience.interactive(t.cols, t.rows, slug + " is talking with a person now; this is its screen");
        publish();
        try {
            handle.reboot(Mode.INTERACTIVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, slug + ": the TUI did not start", e);
            endTalk(t, profile.brain() + "'s TUI did not start: " + e.getMessage());
            return;
        }
        publish();
        owner.transcript(slug, note(null, "a person is talking to the brain"));
        t.client.send(new Talking(t.re, slug));
        owner.crewChanged();
    }

    /** Ends a talk (if it is still the one): the clone goes back to dispatch and its queue. */
    private void endTalk(Talker t, String reason) {
        if (t == null || talker != t) {
            return;
        }
        talker = null;
        audience.leave(t.client, t.re);
        t.client.send(new TalkEnded(t.re, reason));
        if (!t.attached) {
            publish();
            return;
        }
        audience.dispatch(slug + " is back on its queue (" + reason + ")");
        owner.transcript(slug, note(null, "the talk ended: " + reason));
        start(() -> handle.reboot(Mode.DISPATCH));
    }

    private void crashed(String why) {
        if (state == State.FAILED) {
            return;
        }
        long now = now();
        crashes.addLast(now);
        while (!crashes.isEmpty() && crashes.peekFirst() < now - CRASH_WINDOW.toMillis()) {
            crashes.removeFirst();
        }
        TaskInfo again = current == null ? null : current.interrupted(why);
        current = null;
        TaskInfo givenUp = again == null ? null : givenUp(again, now);
        if (givenUp != null) {
            again = null;
        } else if (again != null) {
            // An innocent task (the clone may be failing for its own reasons) keeps its place.
            queue.addFirst(again);
            interruptedBy.put(again.id(), why);
        }
        boolean failing = crashes.size() > MAX_CRASHES;
        if (failing) {
            failure = why + "; it crashed " + crashes.size() + " times in " + CRASH_WINDOW.toSeconds() + " s";
            state = State.FAILED;
        } else {
            state = State.REBOOTING;
        }
        publish(); // before anyone awaiting the task hears of it, so what they see next is consistent
        if (givenUp != null) {
            owner.transcript(slug, new TranscriptEntry(now, givenUp.id(), Kind.ERROR, givenUp.error(), null, true));
            settle(givenUp);
        } else if (again != null) {
            settle(again);
        }
        if (failing) {
            LOG.warning(slug + ": failed: " + failure);
            owner.transcript(slug, new TranscriptEntry(now, again == null ? null : again.id(), Kind.ERROR, failure, null, true));
            owner.crewChanged();
            owner.cloneFailed(slug, failure, queue.stream().map(TaskInfo::id).toList());
            return;
        }
        long delay = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(consecutiveCrashes, 20));
        consecutiveCrashes++;
        owner.transcript(slug, note(again == null ? null : again.id(),
                why + "; rebooting in " + delay / 1000 + " s" + (again == null ? "" : ", then running " + again.id() + " again")));
        timers.schedule(() -> post(() -> {
            if (state == State.REBOOTING) {
                start(() -> handle.reboot(Mode.DISPATCH));
            }
        }), delay, TimeUnit.MILLISECONDS);
    }

    /** {@code task} failed, if its attempts were cut short too often to try again; else null. */
    static TaskInfo givenUp(TaskInfo task, long nowMs) {
        List<String> why = task.interruptions();
        return why.size() < MAX_INTERRUPTIONS ? null : task.ended(Status.FAILED, null,
                "interrupted " + why.size() + " times: " + String.join("; ", why), nowMs);
    }

    private void settle(TaskInfo task) {
        try {
            owner.taskChanged(task);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, slug + ": cannot journal " + task.id(), e);
        }
    }

    /** Events of the running turn go to the transcript; called on the brain's reader thread. */
    private void transcribe(BrainEvent event) {
        String task = currentTask;
        long now = now();
        if (event instanceof BrainEvent.Text) {
            owner.transcript(slug, new TranscriptEntry(now, task, Kind.TEXT, ((BrainEvent.Text) event).text(), null, false));
        } else if (event instanceof BrainEvent.ToolUse) {
            BrainEvent.ToolUse use = (BrainEvent.ToolUse) event;
            owner.transcript(slug, new TranscriptEntry(now, task, Kind.TOOL, use.input(), use.name(), false));
        } else if (event instanceof BrainEvent.ToolResult) {
            BrainEvent.ToolResult result = (BrainEvent.ToolResult) event;
            owner.transcript(slug, new TranscriptEntry(now, task, Kind.TOOL_RESULT, result.output(), null, result.isError()));
        } else if (event instanceof BrainEvent.SessionStarted) {
            post(() -> {
                publish();
                owner.crewChanged();
            });
        }
    }

    private TranscriptEntry note(String task, String text) {
        return new TranscriptEntry(now(), task, Kind.NOTE, text, null, false);
    }

    private void publish() {
        List<String> ids = queue.stream().map(TaskInfo::id).toList();
        currentTask = current == null ? null : current.id();
        info = new CloneInfo(slug, profile.brain(), state, currentTask, current == null ? 0 : current.startedMs(), ids,
                inputTokens, outputTokens, costUsd, handle.series().id(), handle.pid().orElse(0), failure);
        long pid = handle.pid().orElse(0);
        record = new CloneRecord(slug, role, index, profile.brain(), profile.name(), handle.series().id(),
                handle.series().started(), currentTask, ids, failure, pid, Orphans.startMs(pid),
                handle.talkSince().map(Instant::toEpochMilli).orElse(0L));
    }

    /** Runs on the owner thread, unless the clone is gone. */
    private void post(Runnable work) {
        try {
            thread.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException killed) {
            // a killed clone has nothing left to do
        }
    }

    private <T> CompletableFuture<T> call(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException(slug + " has been killed"));
        }
        return result;
    }

    private void run(Callable<Void> work) {
        call(work).join();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
