package dev.khlone.daemon.crew;

import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What a clone does when its brain crashes: boot again after a backoff (1 s, doubling with each
 * crash in a row, at most {@link #MAX_BACKOFF}), or fail once it crashed more than
 * {@link #MAX_CRASHES} times within {@link #CRASH_WINDOW}. A task whose attempts were cut short
 * {@link #MAX_INTERRUPTIONS} times fails instead of running again. Plain state of the clone's
 * owner thread: the time comes in, no thread or clock of its own.
 */
final class CrashPolicy {
    /** More crashes than this within {@link #CRASH_WINDOW} and the clone is marked failed. */
    static final int MAX_CRASHES = 3;
    static final Duration CRASH_WINDOW = Duration.ofSeconds(60);
    /** A task whose attempts were cut short this often by crashes or daemon deaths fails: it may be what kills them. */
    static final int MAX_INTERRUPTIONS = 3;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** What a crash leads to. */
    sealed interface Verdict {
        /** Boot the brain again in {@code in}. */
        record Retry(Duration in) implements Verdict {}

        /** Give up: the clone is failed for {@code reason}, until a person reboots it. */
        record Fail(String reason) implements Verdict {}
    }

    /** When the crashes within the window happened, oldest first. */
    private final Deque<Long> crashes = new ArrayDeque<>();
    /** Crashes since the last turn that completed: the backoff doubles with each. */
    private int consecutive;

    /** The brain crashed at {@code nowMs} for {@code why}. */
    Verdict clockIn(long nowMs, String why) {
        crashes.addLast(nowMs);
        while (crashes.peekFirst() < nowMs - CRASH_WINDOW.toMillis()) {
            crashes.removeFirst();
        }
        if (crashes.size() > MAX_CRASHES) {
            return new Verdict.Fail(why + "; it crashed " + crashes.size() + " times in " + CRASH_WINDOW.toSeconds() + " s");
        }
        long delayMs = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(consecutive, 20));
        consecutive++;
        return new Verdict.Retry(Duration.ofMillis(delayMs));
    }

    /** A turn completed: the brain works, so the next crash waits the shortest backoff again. */
    void turnCompleted() {
        consecutive = 0;
    }

    /** A person rebooted the clone (perhaps reviving it): the crashes before count no more. */
    void forgive() {
        crashes.clear();
        consecutive = 0;
    }

    /** {@code task} failed, if its attempts were cut short too often to try again; else null. */
    static TaskInfo givenUp(TaskInfo task, long nowMs) {
        List<String> why = task.interruptions();
        return why.size() < MAX_INTERRUPTIONS ? null : task.ended(Status.FAILED, null,
                "interrupted " + why.size() + " times: " + String.join("; ", why), nowMs);
    }
}
