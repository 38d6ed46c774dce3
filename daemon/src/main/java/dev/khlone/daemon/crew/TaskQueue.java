package dev.khlone.daemon.crew;

import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A clone's tasks: the one running and those waiting, in the order they run, and why a waiting
 * task's last attempt was cut short (its next prompt says so). Plain state of the clone's owner
 * thread: each change returns the tasks it changed, for the clone to journal.
 */
final class TaskQueue {
    /** A task that starts, and the prompt its brain gets. */
    record Started(TaskInfo task, String prompt) {}

    private final Deque<TaskInfo> waiting = new ArrayDeque<>();
    private final Map<String, String> interruptedBy = new HashMap<>();
    private TaskInfo running;

    /** The running task, or null. */
    TaskInfo running() {
        return running;
    }

    boolean isRunning(String id) {
        return running != null && running.id().equals(id);
    }

    /** The ids of the waiting tasks, in the order they run. */
    List<String> waitingIds() {
        return waiting.stream().map(TaskInfo::id).toList();
    }

    /** The running task, then the waiting ones: all of the clone's work, in the order it runs. */
    List<TaskInfo> work() {
        List<TaskInfo> work = new ArrayList<>(waiting.size() + 1);
        if (running != null) {
            work.add(running);
        }
        work.addAll(waiting);
        return work;
    }

    /** Work found in the state dir, in the order it runs. */
    void restore(List<TaskInfo> tasks) {
        waiting.addAll(tasks);
    }

    /** Adds {@code task}; returns the running task it interrupted, which goes back right after it, or null. */
    TaskInfo place(TaskInfo task, Placement placement) {
        TaskInfo interrupted = placement == Placement.DISRUPT ? requeue("a person had " + task.id() + " run first") : null;
        if (placement == Placement.LAST) {
            waiting.addLast(task);
        } else {
            waiting.addFirst(task);
        }
        return interrupted;
    }

    /**
     * Puts the running task back first, stopped on someone's request: it runs again without that
     * counting against it; {@code why} is what its next prompt says. Returns it, or null if none ran.
     */
    TaskInfo requeue(String why) {
        return running == null ? null : putBack(running.requeued(), why);
    }

    /**
     * The running task's attempt was cut short by {@code why} (a crash): it goes back first, an
     * innocent task keeping its place, or fails when that happened too often
     * ({@link CrashPolicy#givenUp}). Returns it as it is now, or null if none ran.
     */
    TaskInfo interrupt(String why, long nowMs) {
        if (running == null) {
            return null;
        }
        TaskInfo again = running.interrupted(why);
        running = null;
        TaskInfo givenUp = CrashPolicy.givenUp(again, nowMs);
        return givenUp != null ? givenUp : putBack(again, why);
    }

    private TaskInfo putBack(TaskInfo task, String why) {
        running = null;
        waiting.addFirst(task);
        interruptedBy.put(task.id(), why);
        return task;
    }

    /** Starts the next task if none runs and one waits; else null. */
    Started start(long nowMs) {
        if (running != null || waiting.isEmpty()) {
            return null;
        }
        running = waiting.poll().started(nowMs);
        String why = interruptedBy.remove(running.id());
        return new Started(running, running.attempts() == 1 ? running.prompt() : again(running, why) + running.prompt());
    }

    /** Runs {@code task}, new and {@link TaskInfo#started started} already, while nothing runs or waits. */
    Started runNew(TaskInfo task) {
        if (running != null || !waiting.isEmpty()) {
            throw new IllegalStateException("a new task runs at once only while the queue is empty");
        }
        running = task;
        return new Started(task, task.prompt());
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

    /**
     * The running task's turn completed: it ended done, or failed if the brain says so or its cost
     * passed its budget, with what it used.
     */
    TaskInfo finish(TurnCompleted done, long nowMs) {
        TaskInfo used = running.used(done.usage().inputTokens(), done.usage().outputTokens(),
                done.usage().cacheReadTokens(), done.usage().cacheWriteTokens(), done.costUsd(), done.durationMs());
        TaskInfo ended;
        if (used.overBudget()) {
            String why = "over its budget: it cost " + dollars(used.costUsd()) + ", more than the " + dollars(used.budgetUsd())
                    + " it may" + (done.isError() ? " (" + done.result() + ")" : "");
            ended = used.ended(Status.FAILED, done.isError() ? null : done.result(), why, nowMs);
        } else {
            ended = used.ended(done.isError() ? Status.FAILED : Status.DONE, done.result(), done.isError() ? done.result() : null,
                    nowMs);
        }
        running = null;
        return ended;
    }

    /** "$0.50", "$0.0015": to a hundredth of a cent, at least to the cent. */
    private static String dollars(double usd) {
        BigDecimal d = BigDecimal.valueOf(usd).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return "$" + (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }

    /** The running task, as it now is (its budget capped by the zone's day); returns it. */
    TaskInfo replaceRunning(TaskInfo task) {
        running = task;
        return task;
    }

    /** The running task failed for {@code why}. */
    TaskInfo fail(String why, long nowMs) {
        TaskInfo failed = running.ended(Status.FAILED, null, why, nowMs);
        running = null;
        return failed;
    }

    /** Cancels the task {@code id}, running or waiting; null if there is none such. */
    TaskInfo cancel(String id, long nowMs) {
        if (isRunning(id)) {
            TaskInfo cancelled = running.ended(Status.CANCELLED, null, "cancelled while running", nowMs);
            running = null;
            return cancelled;
        }
        for (Iterator<TaskInfo> it = waiting.iterator(); it.hasNext(); ) {
            TaskInfo t = it.next();
            if (t.id().equals(id)) {
                it.remove();
                interruptedBy.remove(id);
                return t.ended(Status.CANCELLED, null, "cancelled before it ran", nowMs);
            }
        }
        return null;
    }

    /** Cancels every task, the running one first, for {@code why}; the queue is empty after. */
    List<TaskInfo> cancelAll(String why, long nowMs) {
        List<TaskInfo> cancelled = new ArrayList<>();
        if (running != null) {
            cancelled.add(running.ended(Status.CANCELLED, null, why, nowMs));
            running = null;
        }
        waiting.forEach(t -> cancelled.add(t.ended(Status.CANCELLED, null, why, nowMs)));
        waiting.clear();
        interruptedBy.clear();
        return cancelled;
    }
}
