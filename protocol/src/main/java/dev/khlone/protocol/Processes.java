package dev.khlone.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about processes that {@link ProcessHandle} gets wrong. */
public final class Processes {
    private Processes() {}

    /**
     * Alive and not a zombie. {@link ProcessHandle#isAlive} is true for a process that has exited
     * but not been reaped, which is what an orphan becomes where nothing reaps it.
     */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Still the process the handle was taken of, and not a zombie. A handle is alive only while its
     * pid has the start time it was taken with; the pid alone may have gone to another process since
     * (and {@link ProcessHandle#descendants} of a handle whose pid did are that process's children).
     */
    public static boolean running(ProcessHandle p) {
        return p != null && p.isAlive() && running(p.pid());
    }
}
