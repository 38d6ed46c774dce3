package dev.khlone.daemon;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * When the daemon leaves on its own, looked at every few seconds on a thread of its own:
 * <ul>
 * <li>its state directory was deleted or replaced: it could keep no promise (every journal
 * record would go to a file nobody will read), so it leaves at once;</li>
 * <li>its zone's root is gone and it is idle: no brain can start there any more;</li>
 * <li>{@code KHLONE_IDLE_EXIT}: nothing queued, running or talking, no client and no trigger for that long.</li>
 * </ul>
 * The next command starts a daemon again, with its crew (if the state is still there).
 */
final class Departure implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Departure.class.getName());
    private static final long EVERY_MS = 5_000;

    /** What the daemon is asked about; each read is brief and takes no lock of a clone's. */
    interface Zone {
        /** The state directory is still the one this daemon locked. */
        boolean stateIntact();

        boolean rootExists();

        /** No client, nothing queued, running or talking, no trigger to fire. */
        boolean idle();
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "departure");
        t.setDaemon(true);
        return t;
    });
    private final Zone zone;
    private final Duration idleExit;
    private final Runnable leave;
    // The timer's thread only.
    private long idleSinceNanos;

    private Departure(Zone zone, Duration idleExit, Runnable leave) {
        this.zone = zone;
        this.idleExit = idleExit;
        this.leave = leave;
    }

    /** Looks at {@code zone} until one reason to leave holds, then runs {@code leave} once; {@code idleExit} may be null. */
    static Departure start(Zone zone, Duration idleExit, Runnable leave) {
        Departure departure = new Departure(zone, idleExit, leave);
        long every = idleExit == null ? EVERY_MS : Math.max(100, Math.min(idleExit.toMillis() / 4, EVERY_MS));
        departure.timer.scheduleWithFixedDelay(departure::look, every, every, TimeUnit.MILLISECONDS);
        return departure;
    }

    private void look() {
        if (!zone.stateIntact()) {
            leave("the zone's state directory was deleted or replaced: leaving, as nothing it records would be kept");
            return;
        }
        boolean idle = zone.idle();
        if (idle && !zone.rootExists()) {
            leave("the zone's root is gone and nothing is running: leaving");
            return;
        }
        if (idleExit == null) {
            return;
        }
        long now = System.nanoTime();
        if (!idle) {
            idleSinceNanos = 0;
        } else if (idleSinceNanos == 0) {
            idleSinceNanos = now;
        } else if (now - idleSinceNanos >= idleExit.toNanos()) {
            leave("idle for " + idleExit.toSeconds() + " s (KHLONE_IDLE_EXIT): leaving; the next command starts the daemon again");
        }
    }

    private void leave(String why) {
        LOG.info(why);
        timer.shutdown();
        leave.run();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
