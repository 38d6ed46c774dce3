package dev.khlone.daemon.brain;

import dev.khlone.protocol.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a dead brain leaves running: the brain itself when a daemon killed with -9 left it (codex
 * refuses a second writer on a thread, and a stale brain would go on spending), and whatever its
 * tools started, even children that left its session and process group: before a task runs again,
 * nothing of its last attempt may still be at work.
 */
public final class Orphans {
    private static final Logger LOG = Logger.getLogger(Orphans.class.getName());
    /** The variable that marks every process of one clone's brain; its children inherit it. */
    static final String MARKER = "KHLONE_BRAIN";
    /** The variable that tells one process of a brain (and its children) from the others: its {@link Spawned#run}. */
    static final String RUN = "KHLONE_BRAIN_RUN";
    /** How long a brain left running is given to leave on SIGTERM. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** How long a sweep goes on killing what keeps appearing. */
    private static final Duration SWEEP = Duration.ofSeconds(5);

    private Orphans() {}

    /** When a process started, to recognise it later; 0 if it is gone. */
    public static long startMs(long pid) {
        return ProcessHandle.of(pid).map(Orphans::startMs).orElse(0L);
    }

    private static long startMs(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Ends the brain {@code pid} and its process group, only if it is still the process that
     * started at {@code startMs}: a reused pid is never touched. It is asked first (SIGTERM) and
     * given {@link #GRACE} to go, as a service manager asks: a brain may be midway through writing
     * what it keeps of a conversation, which a SIGKILL at once cuts short. Then SIGKILL, for a
     * brain that stays.
     */
    public static void end(long pid, long startMs) {
        // The handle is taken before its start time is read: it stays that process's, pid reused or not.
        ProcessHandle brain = pid <= 0 ? null : ProcessHandle.of(pid).orElse(null);
        if (brain == null || startMs == 0 || startMs(brain) != startMs) {
            return;
        }
        LOG.info("ending brain " + pid + ", left running by the previous daemon");
        try {
            signalGroup("TERM", pid);
            brain.destroy();
            if (awaitGone(brain, GRACE)) {
                return;
            }
            LOG.info("brain " + pid + " outlived SIGTERM by " + GRACE.toMillis() + " ms: SIGKILL");
            signalGroup("KILL", pid);
            brain.destroyForcibly();
            awaitGone(brain, Duration.ofSeconds(5));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not end the brain " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void signalGroup(String signal, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, "--", "-" + pid).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
    }

    /** Whether {@code brain} is gone within {@code limit}. */
    private static boolean awaitGone(ProcessHandle brain, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (Processes.running(brain)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /**
     * Kills every process of this user whose environment carries {@code MARKER=marker}, again
     * until none is left (a child may fork while its parent is killed), for a few seconds at most.
     * Processes that changed their environment with exec escape this; everything else a brain
     * started, however detached, does not.
     */
    public static void endMarked(String marker) {
        end("brain " + marker, List.of(entry(MARKER, marker)));
    }

    /**
     * Like {@link #endMarked}, for what one process of the brain, run {@code run}, started: a
     * crashed process's leftovers, and never what a process started after it does.
     */
    static void endRun(String marker, long run) {
        end("brain " + marker + " (run " + run + ")", List.of(entry(MARKER, marker), entry(RUN, Long.toString(run))));
    }

    private static byte[] entry(String name, String value) {
        return (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    private static void end(String what, List<byte[]> entries) {
        long deadline = System.nanoTime() + SWEEP.toNanos();
        List<ProcessHandle> found;
        while (!(found = marked(entries)).isEmpty()) {
            List<Long> pids = found.stream().map(ProcessHandle::pid).toList();
            if (System.nanoTime() > deadline) {
                LOG.warning("processes of " + what + " outlived SIGKILL: " + pids);
                return;
            }
            LOG.info("ending what " + what + " left running: " + pids);
            // Each handle was taken before its environment was read: it kills that process, never one that got its pid since.
            found.forEach(ProcessHandle::destroyForcibly);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Live processes of this user whose environment has every one of {@code entries} among its
     * variables. The handle (which carries the process's start time) is taken before the
     * environment is read: a marked process that ends during the scan and whose pid a new
     * process gets (pids wrap within minutes on a busy machine) is never taken for the new one.
     */
    private static List<ProcessHandle> marked(List<byte[]> entries) {
        List<ProcessHandle> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        Object uid = uid(Path.of("/proc/self"));
        for (long pid : pids()) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            Path proc = Path.of("/proc", Long.toString(pid));
            if (pid != self && handle.isPresent() && uid != null && uid.equals(uid(proc))
                    && hasEntries(proc.resolve("environ"), entries) && Processes.running(pid)) {
                found.add(handle.get());
            }
        }
        return found;
    }

    /** Every process there is now (empty, and said in the log, if /proc cannot be read). */
    static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            procs.forEach(p -> pids.add(Long.parseLong(p.getFileName().toString())));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list the processes", e);
        }
        return pids;
    }

    private static Object uid(Path proc) {
        try {
            return Files.getAttribute(proc, "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return null; // gone meanwhile
        }
    }

    private static boolean hasEntries(Path environ, List<byte[]> entries) {
        byte[] env;
        try {
            env = Files.readAllBytes(environ);
        } catch (IOException e) {
            return false; // gone meanwhile, or not ours to read
        }
        return entries.stream().allMatch(entry -> hasEntry(env, entry));
    }

    private static boolean hasEntry(byte[] env, byte[] entry) {
        for (int start = 0; start + entry.length <= env.length; ) {
            int end = start;
            while (end < env.length && env[end] != 0) {
                end++;
            }
            if (end - start == entry.length && Arrays.equals(env, start, end, entry, 0, entry.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
