package dev.khlone.daemon.notify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the zone's notify hook for events, one at a time on a thread of its own: the clone that
 * caused an event only queues it, so a hook that hangs never holds a clone up. A hook that runs
 * past its timeout is killed with what it started; one that fails is logged. At most {@link #QUEUE}
 * events wait; past that, events are dropped and logged.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Notifier.class.getName());
    static final int QUEUE = 100;

    private final Path workdir;
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "notify");
                t.setDaemon(true);
                return t;
            });

    /** Hooks run in {@code workdir}, the zone's root. */
    public Notifier(Path workdir) {
        this.workdir = workdir;
    }

    /**
     * Runs the hook {@code hook} gives (null: none) for {@code event} soon, if it is for that kind of
     * event. The hook is looked up on the notify thread: reading khlone.yml is no work for a clone's.
     */
    public void fire(java.util.function.Supplier<Hook> hook, Event event) {
        try {
            runner.execute(() -> {
                Hook h = hook.get();
                if (h != null && h.on().contains(event.kind())) {
                    run(h, event);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warning("notify: " + QUEUE + " events wait already; dropped " + event.kind().wire());
        }
    }

    private void run(Hook hook, Event event) {
        ProcessBuilder pb = new ProcessBuilder(hook.run()).directory(workdir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("KHLONE_BRAIN"); // not a brain's work: the brains' sweeps leave it alone
        pb.environment().putAll(event.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            LOG.warning("notify: cannot run " + hook.run() + " for " + event.kind().wire() + ": " + e.getMessage());
            return;
        }
        try {
            if (!p.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                LOG.warning("notify: " + hook.run() + " ran past " + hook.timeout().toSeconds() + " s on "
                        + event.kind().wire() + "; killed");
            } else if (p.exitValue() != 0) {
                LOG.warning("notify: " + hook.run() + " exited " + p.exitValue() + " on " + event.kind().wire());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notify: " + event.kind().wire(), e);
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
