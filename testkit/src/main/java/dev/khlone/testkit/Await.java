package dev.khlone.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The one way tests wait for something to become true: poll a condition until it holds or a
 * deadline passes, then fail naming what was awaited. Tests wait for the event they mean with
 * this instead of sleeping and hoping.
 */
public final class Await {
    /** The first pause between two looks; it doubles up to {@link #LONGEST_POLL}, so a long wait costs little. */
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration LONGEST_POLL = Duration.ofMillis(250);

    /**
     * Something a test waits for. It may throw: a file not written yet, a daemon not listening
     * yet, a reply not the one expected yet all count as "not yet".
     */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {}

    /**
     * Waits until {@code condition} holds; fails with {@code what} after {@code timeout}, the
     * condition's last exception, if any, as the cause.
     */
    public static void until(Duration timeout, String what, Condition condition) {
        value(timeout, what, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Waits until {@code probe} gives a value and returns it; fails with {@code what} after
     * {@code timeout}. A probe that throws an exception or fails an assertion counts as "not yet"
     * (a file not written yet, a daemon not listening yet); the last one is the failure's cause.
     */
    public static <T> T value(Duration timeout, String what, Callable<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        long poll = FIRST_POLL.toMillis();
        while (true) {
            try {
                Optional<T> value = probe.call();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + ", in vain", last);
            }
            try {
                Thread.sleep(poll);
                poll = Math.min(2 * poll, LONGEST_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /**
     * Waits until {@code probe}'s answer is {@code accepted} and returns it; fails with {@code what}
     * after {@code timeout}, showing the last answer.
     */
    public static <T> T value(Duration timeout, String what, Callable<T> probe, Predicate<? super T> accepted) {
        return value(timeout, what, () -> {
            T answer = probe.call();
            if (!accepted.test(answer)) {
                throw new AssertionError("the last answer: " + answer);
            }
            return Optional.of(answer);
        });
    }

    /** True as soon as {@code condition} holds, false if it still does not after {@code timeout}. */
    public static boolean within(Duration timeout, Condition condition) {
        try {
            until(timeout, "a condition", condition);
            return true;
        } catch (AssertionError e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            return false;
        }
    }
}
