package dev.khlone.cli;

import dev.khlone.protocol.wire.TaskInfo;
import java.io.PrintWriter;

/**
 * One line on stderr, redrawn while a command waits for a task: only when stderr is a terminal,
 * never on stdout. Closing it clears the line.
 */
final class Spinner implements AutoCloseable {
    private static final String FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    private static final long TICK_MS = 100;

    private final Thread thread;
    private final PrintWriter err;

    private Spinner(Thread thread, PrintWriter err) {
        this.thread = thread;
        this.err = err;
    }

    static Spinner on(Host host, PrintWriter err, TaskInfo task) {
        if (!host.stderrIsTerminal()) {
            return new Spinner(null, err);
        }
        long since = host.nowMs();
        Thread t = new Thread(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                err.print("\r" + FRAMES.charAt(i % FRAMES.length()) + " " + task.id() + " on " + task.cloneSlug()
                        + " · " + Render.duration(host.nowMs() - since) + " (ctrl-c stops waiting, not the task)\033[K");
                err.flush();
                try {
                    Thread.sleep(TICK_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "spinner");
        t.setDaemon(true);
        t.start();
        return new Spinner(t, err);
    }

    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.print("\r\033[K");
        err.flush();
    }
}
