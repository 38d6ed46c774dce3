package dev.khlone.daemon.crew;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Stops a turn its brain has said nothing in for {@code KHLONE_TURN_TIMEOUT}: opencode retries a
 * 5xx forever, silently. The brain's reader thread says when it heard something; the checks run
 * as jobs on the clone's owner thread.
 */
final class TurnTimeout {
    private final OwnerThread thread;
    private final Duration limit;
    private volatile long lastOutputNanos;

    TurnTimeout(OwnerThread thread, Duration limit) {
        this.thread = thread;
        this.limit = limit;
    }

    Duration limit() {
        return limit;
    }

    /** The brain said something: the turn it works on is alive. Any thread. */
    void heard() {
        lastOutputNanos = System.nanoTime();
    }

    /**
     * From now, watches a turn while {@code runs} says it runs; {@code silent} runs (on the owner
     * thread) once its brain has been quiet for the limit.
     */
    void watch(BooleanSupplier runs, Runnable silent) {
        heard();
        check(runs, silent, limit);
    }

    private void check(BooleanSupplier runs, Runnable silent, Duration in) {
        thread.later(in, () -> {
            if (!runs.getAsBoolean()) {
                return;
            }
            Duration quiet = Duration.ofNanos(System.nanoTime() - lastOutputNanos);
            if (quiet.compareTo(limit) < 0) {
                check(runs, silent, limit.minus(quiet));
            } else {
                silent.run();
            }
        });
    }
}
