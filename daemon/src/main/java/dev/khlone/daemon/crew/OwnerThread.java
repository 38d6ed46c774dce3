package dev.khlone.daemon.crew;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that changes a clone's state, {@code clone-<slug>}: jobs run one at a time, and
 * after each, whatever it did or threw, {@code settle} runs on it too (the clone publishes its
 * snapshot and tells the crew), before anyone waiting for the job's answer gets it.
 */
final class OwnerThread {
    private final String slug;
    private final Runnable settle;
    private final ScheduledExecutorService timers;
    private final ExecutorService executor;

    /** {@code timers}: the crew's, shared by its clones; they only post jobs here. */
    OwnerThread(String slug, ScheduledExecutorService timers, Runnable settle) {
        this.slug = slug;
        this.timers = timers;
        this.settle = settle;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clone-" + slug);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} later, unless the clone is gone. */
    void post(Runnable work) {
        try {
            executor.execute(() -> {
                try {
                    work.run();
                } finally {
                    settle.run();
                }
            });
        } catch (RejectedExecutionException killed) {
            // a killed clone has nothing left to do
        }
    }

    /** Runs {@code work} in {@code delay}, unless the clone is gone by then. */
    void later(Duration delay, Runnable work) {
        timers.schedule(() -> post(work), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code work}; its answer, or why there is none (a clone killed meanwhile among them). */
    <T> CompletableFuture<T> call(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    T value;
                    try {
                        value = work.call();
                    } finally {
                        settle.run();
                    }
                    result.complete(value);
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException(slug + " has been killed"));
        }
        return result;
    }

    /** No job after the one running: the clone is done. */
    void close() {
        executor.shutdown();
    }

    /** Now, not after what is queued (nothing queued may start a brain again): drops the jobs, interrupts the running one. */
    void stop() {
        executor.shutdownNow();
    }

    /** After {@link #stop}, waits up to {@code limit} for the running job to end. */
    void awaitStopped(Duration limit) {
        try {
            executor.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
