package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.brain.TurnFailed;
import dev.khlone.daemon.server.Client;
import dev.khlone.daemon.watch.Audience;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.CloneInfo.State;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A clone's state machine, run only on its {@link OwnerThread}: its state (rebooting, idle,
 * active, talking, failed) and the moves between them over its brain, its {@link TaskQueue},
 * {@link CrashPolicy}, {@link Transcriber} totals and {@link Talk}. A move notes what it tells
 * others on the {@link Bulletin}; the owner thread settles it after each job, and a move settles
 * it itself only before it waits on its brain.
 *
 * <p>A little over 300 lines: every move reads and sets the same state and failure, and a move
 * split away from them (talk's, a crash's) would have to be handed both.
 */
final class CloneMachine {
    private static final Logger LOG = Logger.getLogger(CloneMachine.class.getName());

    private final String slug;
    private final String brain;
    private final BrainHandle handle;
    private final Clone.Owner owner;
    private final OwnerThread thread;
    private final Bulletin bulletin;
    private final Talk talk;
    private final TurnTimeout turnTimeout;

    private final TaskQueue queue = new TaskQueue();
    private final CrashPolicy crashes = new CrashPolicy();
    private final Transcriber transcriber = new Transcriber();
    private State state = State.REBOOTING;
    private String failure;

    CloneMachine(String slug, String brain, BrainHandle handle, Clone.Owner owner, Bulletin bulletin, Audience audience,
                 ScheduledExecutorService timers, Duration turnTimeout) {
        this.slug = slug;
        this.brain = brain;
        this.handle = handle;
        this.owner = owner;
        this.thread = new OwnerThread(slug, timers, this::settle);
        this.turnTimeout = new TurnTimeout(thread, turnTimeout);
        this.bulletin = bulletin;
        this.talk = new Talk(slug, handle, audience, bulletin::tell);
        bulletin.publish(state, failure, queue, transcriber);
    }

    /** The thread all of this runs on. */
    OwnerThread thread() {
        return thread;
    }

    /** The brain said something: the turn it works on is alive. Any thread. */
    void heard() {
        turnTimeout.heard();
    }

    /** Publishes the clone and tells what changed: after each job, and before a job waits on the brain. */
    void settle() {
        bulletin.settle(state, failure, queue, transcriber);
    }

    void restore(List<TaskInfo> tasks, long input, long output, Double cost, String failedBefore) {
        queue.restore(tasks);
        transcriber.restore(input, output, cost);
        failure = failedBefore;
        state = failedBefore == null ? State.REBOOTING : State.FAILED;
        // Published here, so that settling tells nothing: what it restores is already on disk.
        bulletin.publish(state, failure, queue, transcriber);
    }

    void boot() {
        if (state != State.FAILED) {
            start(() -> handle.enboot(Mode.DISPATCH));
        }
    }

    TaskInfo submit(TaskInfo task, Placement placement) throws IOException {
        Double dayLeft = owner.dayLeft(now());
        if (state == State.IDLE && queue.work().isEmpty() && !talk.waiting() && (dayLeft == null || dayLeft > 0)) {
            // It runs at once: its first record says so, and is its acceptance (a task the journal
            // refused changes nothing, and the caller hears why). The brain hears of it once it is
            // written; the caller once it is forced too.
            TaskInfo active = capped(task.started(now()), dayLeft);
            noteDayCap(task, active);
            owner.taskBegun(active);
            run(queue.runNew(active));
            try {
                owner.forceJournal();
            } catch (IOException e) {
                // The task runs: refusing it now would have it run twice. New tasks are refused until the disk takes it.
                LOG.log(Level.SEVERE, slug + ": cannot force the journal's record of " + task.id(), e);
            }
            return task;
        }
        owner.taskChanged(task);
        TaskInfo interrupted = queue.place(task, placement);
        if (interrupted != null) {
            bulletin.journal(interrupted);
            bulletin.note(interrupted.id(), "interrupted by " + task.id() + "; it runs again after it");
            restart();
        }
        pump();
        return task;
    }

    TaskInfo cancel(String taskId) {
        boolean running = queue.isRunning(taskId);
        TaskInfo cancelled = queue.cancel(taskId, now());
        if (cancelled != null) {
            bulletin.journal(cancelled);
        }
        if (running) {
            bulletin.transcript(Transcriber.error(taskId, cancelled.error(), now()));
            restart();
        }
        return cancelled;
    }

    void kill() {
        handle.kill();
        queue.cancelAll("its clone " + slug + " was killed", now()).forEach(bulletin::journal);
        bulletin.note(null, "killed");
        state = State.FAILED;
        failure = "killed";
    }

    /** {@code fresh}: on a new conversation; what was running runs again in it. */
    void reboot(boolean fresh) {
        failure = null;
        crashes.forgive();
        requeue(fresh ? "a person rebooted the brain on a fresh conversation" : "a person rebooted the brain");
        if (fresh) {
            bulletin.note(null, "rebooted by request on a fresh conversation: the brain remembers nothing said above");
            start(() -> handle.rebootFresh(Mode.DISPATCH));
        } else {
            bulletin.note(null, "rebooted by request");
            restart();
        }
    }

    void talk(Client client, String re, int cols, int rows, boolean now) throws CrewException {
        Talk.Talker t = talk.join(client, re, cols, rows, failure); // failure is set exactly while the clone is failed
        client.onClose(() -> thread.post(() -> endTalk(t, "the talker's connection closed")));
        TaskInfo running = queue.running();
        if (running != null && !now) {
            talk.waitFor(running, now());
            return;
        }
        if (running != null) {
            TaskInfo interrupted = requeue("a person took over the brain to talk with it");
            bulletin.note(interrupted.id(), "interrupted for a talk; it runs again afterwards");
            talk.interrupted(interrupted);
        }
        startTalk();
    }

    /** Whether {@code client}'s keystrokes go to the TUI now. Any thread. */
    boolean takesKeysFrom(Client client) {
        return talk.takesKeysFrom(client);
    }

    void detach(Client client) {
        endTalk(talk.of(client), "detached");
    }

    /** The brain's process exited unasked, with {@code code}. */
    void exited(int code) {
        if (state == State.TALKING) {
            // The person left the TUI its own way (/exit, ctrl-c twice): back to the queue.
            endTalk(talk.talker(), brain + "'s TUI exited");
        } else if (state != State.REBOOTING) {
            // While rebooting, the exit is the old process's, already counted.
            crashed("the brain exited with code " + code);
        }
    }

    /** A call into the brain that may block for seconds (a process starts or stops). */
    private interface BrainCall {
        void run() throws IOException;
    }

    private void start(BrainCall start) {
        state = State.REBOOTING;
        settle(); // whoever looks while the brain starts sees what led to it
        try {
            start.run();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, slug + ": the brain did not start", e);
            crashed("the brain did not start: " + e.getMessage());
            return;
        }
        state = State.IDLE;
        pump();
    }

    /** A fresh dispatch brain on the same series (cutting a running turn short); the queue goes on after it. */
    private void restart() {
        start(() -> handle.reboot(Mode.DISPATCH));
    }

    /** Puts the running task back first on a person's request ({@code why}); returns it, or null if none ran. */
    private TaskInfo requeue(String why) {
        TaskInfo again = queue.requeue(why);
        if (again != null) {
            bulletin.journal(again);
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
        Double dayLeft = owner.dayLeft(now());
        if (dayLeft != null && dayLeft <= 0) {
            String why = "the zone's budget for today is spent (budget.day in khlone.yml): the task did not run";
            bulletin.transcript(Transcriber.error(next.task().id(), why, now()));
            bulletin.journal(queue.fail(why, now()));
            pump();
            return;
        }
        if (dayLeft != null) {
            TaskInfo before = next.task();
            next = new TaskQueue.Started(queue.replaceRunning(capped(before, dayLeft)), next.prompt());
            noteDayCap(before, next.task());
        }
        bulletin.journal(next.task());
        run(next);
    }

    /** {@code task} with a budget of no more than what is left of the zone's day, if the day has a cap. */
    private static TaskInfo capped(TaskInfo task, Double dayLeft) {
        return dayLeft == null || task.budgetUsd() != null && task.budgetUsd() <= dayLeft ? task : task.withBudget(dayLeft);
    }

    /** Says in the transcript when a task's budget is what is left of the zone's day, not its own. */
    private void noteDayCap(TaskInfo before, TaskInfo after) {
        if (!Objects.equals(before.budgetUsd(), after.budgetUsd())) {
            bulletin.note(after.id(), String.format(Locale.ROOT,
                    "its budget is what is left of the zone's for today (budget.day): $%.4f", after.budgetUsd()));
        }
    }

    /** Gives {@code next}, just started, to its brain, once the journal says it runs (the settle below writes a noted record). */
    private void run(TaskQueue.Started next) {
        String id = next.task().id();
        state = State.ACTIVE;
        if (next.task().trigger() != null) { // khlone log says why a task nobody typed ran
            bulletin.transcript(Transcriber.note(id, "started by the trigger " + next.task().trigger() + " of khlone.yml", now()));
        }
        bulletin.transcript(Transcriber.prompt(id, next.prompt(), now()));
        // The task is journalled active before its brain hears of it; the crew file is saved after.
        bulletin.settle(state, failure, queue, transcriber, false);
        CompletableFuture<BrainEvent.TurnCompleted> turn;
        try {
            Prompt prompt = new Prompt(next.prompt());
            turn = next.task().mode() == TaskMode.ASK ? handle.ask(prompt) : handle.act(prompt);
        } catch (IllegalStateException | UncheckedIOException e) {
            crashed(e.getMessage());
            return;
        }
        turn.whenComplete((done, error) -> thread.post(() -> turnEnded(id, done, error)));
        turnTimeout.watch(() -> queue.isRunning(id) && state == State.ACTIVE, () -> silent(id));
    }

    /** The turn of {@code id} said nothing for the turn timeout: it fails, and the brain restarts. */
    private void silent(String id) {
        String why = "no word from " + brain + " for " + turnTimeout.limit().toSeconds()
                + " s; the turn was stopped and the brain restarted (the limit is KHLONE_TURN_TIMEOUT)";
        bulletin.journal(queue.fail(why, now()));
        bulletin.transcript(Transcriber.error(id, why, now()));
        LOG.warning(slug + ": " + why);
        restart();
    }

    private void turnEnded(String id, BrainEvent.TurnCompleted done, Throwable error) {
        if (!queue.isRunning(id)) {
            return; // cancelled, interrupted or killed meanwhile: that path settled the task
        }
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (done != null) {
            crashes.turnCompleted();
            // The result before the task's end: a --watch client stops at the end.
            bulletin.transcript(transcriber.result(id, done, now()));
            bulletin.journal(queue.finish(done, now()));
        } else if (cause instanceof TurnFailed failed && failed.reason() == TurnFailed.Reason.REPORTED) {
            bulletin.transcript(Transcriber.error(id, cause.getMessage(), now()));
            bulletin.journal(queue.fail(cause.getMessage(), now()));
        } else {
            return; // the brain exited: the crash handling runs the task again
        }
        state = State.IDLE;
        pump();
    }

    private void startTalk() {
        Talk.Talker t = talk.attach();
        state = State.TALKING;
        settle(); // whoever looks while the TUI starts sees it coming
        try {
            handle.reboot(Mode.INTERACTIVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, slug + ": the TUI did not start", e);
            endTalk(t, brain + "'s TUI did not start: " + e.getMessage());
            return;
        }
        bulletin.note(null, "a person is talking to the brain");
        talk.attached(t);
    }

    /** Ends a talk (if it is still the one): the clone goes back to dispatch and its queue. */
    private void endTalk(Talk.Talker t, String reason) {
        if (talk.end(t, reason)) {
            bulletin.note(null, "the talk ended: " + reason);
            restart();
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
            bulletin.transcript(Transcriber.error(cut.id(), cut.error(), now));
        }
        if (cut != null) {
            bulletin.journal(cut);
        }
        String again = cut == null || givenUp ? null : cut.id();
        if (verdict instanceof CrashPolicy.Verdict.Fail fail) {
            failure = fail.reason();
            state = State.FAILED;
            LOG.warning(slug + ": failed: " + failure);
            bulletin.transcript(Transcriber.error(again, failure, now));
            return;
        }
        Duration delay = ((CrashPolicy.Verdict.Retry) verdict).in();
        state = State.REBOOTING;
        bulletin.note(again, why + "; rebooting in " + delay.toSeconds() + " s"
                + (again == null ? "" : ", then running " + again + " again"));
        thread.later(delay, () -> {
            if (state == State.REBOOTING) {
                restart();
            }
        });
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
