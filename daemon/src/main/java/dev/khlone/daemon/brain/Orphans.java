package dev.khlone.daemon.brain;

import dev.khlone.protocol.Processes;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brains a daemon killed with -9 left running: the next daemon ends them before it resumes their
 * series (codex refuses a second writer on a thread, and a stale brain would go on spending).
 */
public final class Orphans {
    private static final Logger LOG = Logger.getLogger(Orphans.class.getName());

    private Orphans() {}

    /** When a process started, to recognise it later; 0 if it is gone. */
    public static long startMs(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Ends the brain {@code pid} and its process group, only if it is still the process that
     * started at {@code startMs}: a reused pid is never touched.
     */
    public static void end(long pid, long startMs) {
        if (pid <= 0 || startMs == 0 || startMs(pid) != startMs) {
            return;
        }
        LOG.info("ending brain " + pid + ", left running by the previous daemon");
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Processes.running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not end the brain " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
