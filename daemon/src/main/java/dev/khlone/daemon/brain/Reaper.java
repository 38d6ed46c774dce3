package dev.khlone.daemon.brain;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes the daemon the child subreaper of what its brains start: a tool child that leaves its
 * brain (a double fork, setsid) is re-parented to the daemon rather than to init, stays among the
 * daemon's descendants, and is reaped by the daemon when it ends instead of lingering as a zombie
 * where nothing reaps (a container's init). The JDK and pty4j each wait for the processes they
 * started, from the moment they start; so a child that stays a zombie across two looks is an
 * inherited one, and only those are reaped here.
 */
public final class Reaper {
    private static final Logger LOG = Logger.getLogger(Reaper.class.getName());
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int WNOHANG = 1;
    private static final Duration EVERY = Duration.ofSeconds(2);

    /** The C library's calls for this, through JNA (which pty4j brings). */
    private interface LibC extends Library {
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        int waitpid(int pid, int[] status, int options);
    }

    private final LibC libc;
    private final long self = ProcessHandle.current().pid();
    /** Zombie children at the last look; owned by the reaper's thread. */
    private Set<Long> seen = Set.of();

    private Reaper(LibC libc) {
        this.libc = libc;
    }

    /** Makes this process a subreaper and reaps what it inherits from now on; false, and said in the log, where it cannot. */
    public static boolean start() {
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError e) {
            LOG.log(Level.WARNING, "cannot load the C library: orphans of brains go to init", e);
            return false;
        }
        if (libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            LOG.warning("prctl(PR_SET_CHILD_SUBREAPER) failed (errno " + Native.getLastError() + "): orphans of brains go to init");
            return false;
        }
        Reaper reaper = new Reaper(libc);
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reaper");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(reaper::reap, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    private void reap() {
        Set<Long> zombies = zombieChildren();
        Set<Long> left = new HashSet<>(zombies);
        for (long pid : zombies) {
            if (seen.contains(pid) && libc.waitpid((int) pid, new int[1], WNOHANG) == pid) {
                left.remove(pid);
                LOG.fine("reaped " + pid + ", an orphan a brain left");
            }
        }
        seen = left;
    }

    private Set<Long> zombieChildren() {
        Set<Long> zombies = new HashSet<>();
        for (long pid : Orphans.pids()) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            } catch (IOException e) {
                continue; // gone meanwhile
            }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, the last ')' ends it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3);
            if (fields[0].equals("Z") && Long.parseLong(fields[1]) == self) {
                zombies.add(pid);
            }
        }
        return zombies;
    }
}
