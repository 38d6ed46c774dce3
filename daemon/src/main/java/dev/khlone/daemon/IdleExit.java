package dev.khlone.daemon;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * {@code KHLONE_IDLE_EXIT}: a daemon with nothing queued, nothing running, nobody talking and no
 * client connected for that long leaves; the next command starts it again, with its crew. Looks
 * every quarter of the time (at most every 5 s) on a thread of its own.
 */
final class IdleExit implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IdleExit.class.getName());

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "idle-exit");
        t.setDaemon(true);
        return t;
    });
    private final Duration after;
    private final BooleanSupplier idle;
    private final Runnable leave;
    // The timer's thread only.
    private long idleSinceNanos;

    private IdleExit(Duration after, BooleanSupplier idle, Runnable leave) {
        this.after = after;
        this.idle = idle;
        this.leave = leave;
    }

    /** Looks at {@code idle} until it has held for {@code after}, then runs {@code leave} once. */
    static IdleExit start(Duration after, BooleanSupplier idle, Runnable leave) {
        IdleExit exit = new IdleExit(after, idle, leave);
        long every = Math.max(100, Math.min(after.toMillis() / 4, 5_000));
        exit.timer.scheduleWithFixedDelay(exit::look, every, every, TimeUnit.MILLISECONDS);
        return exit;
    }

    private void look() {
        long now = System.nanoTime();
        if (!idle.getAsBoolean()) {
            idleSinceNanos = 0;
            return;
        }
        if (idleSinceNanos == 0) {
            idleSinceNanos = now;
        } else if (now - idleSinceNanos >= after.toNanos()) {
            LOG.info("idle for " + after.toSeconds() + " s (KHLONE_IDLE_EXIT): leaving; the next command starts the daemon again");
            timer.shutdown();
            leave.run();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
