package dev.khlone.daemon.brain;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.LaunchSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running brain process, on pipes or in a PTY: its own reader threads (which only read and
 * hand chunks on), one writer thread while there is input to write (a child that stops reading blocks only that thread), and
 * the way to end it with everything it started.
 */
final class Spawned {
    private static final Logger LOG = Logger.getLogger(Spawned.class.getName());
    private static final int STDERR_TAIL = 20;
    private static final AtomicLong RUNS = new AtomicLong();
    /** A turn's writes come in a burst (its prompt), a talker's keys at a person's pace; a thread costs ~0.1 ms to start again. */
    private static final long WRITER_IDLE_MS = 500;

    /** Where output goes; called on the process's reader thread. */
    interface Output {
        void chunk(byte[] bytes, int length);
    }

    final Process process;
    final long pid;
    /**
     * The process as taken when it started (null: it was gone at once). Its start time tells it from
     * a later process given its pid once it has ended: nothing is signalled by the pid alone.
     */
    private final ProcessHandle handle;
    final boolean pty;
    /** Tags this process and what it starts, unique in the daemon: what a crash of it left is found by it (see {@link Orphans#endRun}). */
    final long run;
    private final String name;
    private final ExecutorService writer;
    private final CountDownLatch outputDone = new CountDownLatch(1);
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private volatile boolean expected;
    private volatile long lastOutputNanos = System.nanoTime();
    /** The kernel's start time of the process, once asked (0 until then): it never changes, and asking costs /proc reads and a user lookup. */
    private volatile long startMs;

    private Spawned(String name, Process process, boolean pty, long run) {
        this.name = name;
        this.process = process;
        this.pid = process.pid();
        // pty4j's processes have no toHandle(); a child not yet waited for keeps its pid, so this is it.
        this.handle = pty ? ProcessHandle.of(pid).orElse(null) : process.toHandle();
        this.pty = pty;
        this.run = run;
        // One thread at most, in order, and only while there is something to write: an idle clone's
        // process keeps no writer thread (and its stack) around between turns.
        ThreadPoolExecutor w = new ThreadPoolExecutor(1, 1, WRITER_IDLE_MS, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemonThread(r, name + "-" + pid + "-writer"));
        w.allowCoreThreadTimeOut(true);
        this.writer = w;
    }

    /**
     * Headless: stdin a pipe, stdout to {@code output}, stderr kept apart (logged, its tail kept
     * for messages). In a session of its own, like a TUI in its PTY: the brain and its helpers form
     * one process group, which is ended as a whole however the brain dies. {@code marker} tags its
     * environment, and its run, which everything it starts inherits (see {@link Orphans#endMarked}).
     */
    static Spawned pipes(String name, LaunchSpec spec, String marker, Output output) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.addAll(spec.argv());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.cwd().toFile());
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        pb.environment().put(Orphans.MARKER, marker);
        long run = RUNS.incrementAndGet();
        pb.environment().put(Orphans.RUN, Long.toString(run));
        Spawned s = new Spawned(name, pb.start(), false, run);
        s.read(s.process.getInputStream(), output);
        s.readStderr();
        return s;
    }

    /** A TUI: a PTY of {@code cols}x{@code rows}, its output to {@code output}, its environment tagged like {@link #pipes}'. */
    static Spawned pty(String name, LaunchSpec spec, String marker, int cols, int rows, Output output) throws IOException {
        Map<String, String> env = new HashMap<>(spec.env());
        env.putIfAbsent("TERM", "xterm-256color");
        env.put(Orphans.MARKER, marker);
        long run = RUNS.incrementAndGet();
        env.put(Orphans.RUN, Long.toString(run));
        PtyProcess p = new PtyProcessBuilder(spec.argv().toArray(new String[0]))
                .setEnvironment(env)
                .setDirectory(spec.cwd().toString())
                .setInitialColumns(cols)
                .setInitialRows(rows)
                .start();
        Spawned s = new Spawned(name, p, true, run);
        s.read(p.getInputStream(), output);
        return s;
    }

    private void read(InputStream in, Output output) {
        daemonThread(() -> {
            byte[] buf = new byte[16384];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    lastOutputNanos = System.nanoTime();
                    output.chunk(buf, n);
                }
            } catch (IOException e) {
                // A PTY reports the child's end as an I/O error; either way the output is over.
                LOG.log(Level.FINE, name + ": output closed", e);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, name + ": handling output failed", e);
            } finally {
                outputDone.countDown();
            }
        }, name + "-" + pid + "-reader").start();
    }

    private void readStderr() {
        daemonThread(() -> {
            try (BufferedReader err = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    LOG.fine(name + " stderr: " + line);
                    synchronized (stderrTail) {
                        if (stderrTail.size() == STDERR_TAIL) {
                            stderrTail.removeFirst();
                        }
                        stderrTail.addLast(line);
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, name + ": stderr closed", e);
            }
        }, name + "-" + pid + "-stderr").start();
    }

    /** Queues bytes for the process's input, in order. */
    void write(byte[] bytes) {
        OutputStream in = process.getOutputStream();
        writer.execute(() -> {
            try {
                in.write(bytes);
                in.flush();
            } catch (IOException e) {
                LOG.log(Level.FINE, name + ": write failed (the process is gone)", e);
            }
        });
    }

    /** Closes the process's input after what is queued: a per-task brain's prompt ends there. */
    void closeInput() {
        writer.execute(() -> {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                LOG.log(Level.FINE, name + ": closing input failed", e);
            }
        });
    }

    void resize(int cols, int rows) {
        if (pty) {
            ((PtyProcess) process).setWinSize(new WinSize(cols, rows));
        }
    }

    /** When the kernel started the process (0 once it is gone): what tells it from a later process with its pid. */
    long startMs() {
        long ms = startMs;
        if (ms == 0 && Processes.running(handle)) {
            ms = Orphans.startMs(pid);
            startMs = ms;
        }
        return ms;
    }

    boolean expected() {
        return expected;
    }

    /** From now on its end is expected: it is an old process of its brain, on its way out. */
    void retire() {
        expected = true;
    }

    /** The last lines the process wrote to stderr, for messages about its death. */
    String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    /** Waits for the exit and for the output to be read to its end (a little while at most: an orphan may hold it open). */
    int awaitExit() throws InterruptedException {
        int code = process.waitFor();
        killGroup();
        outputDone.await(2, TimeUnit.SECONDS);
        return code;
    }

    /**
     * Ends what is left of the brain's process group once the brain is gone: a wrapper killed
     * with -9 (npm's node launcher of codex) leaves its real program running, holding the
     * conversation's lock, otherwise.
     */
    private void killGroup() {
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.log(Level.FINE, name + ": could not end the process group " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the process and everything it started, children that left its session included: the
     * tree is taken from a snapshot made first, since orphans are re-parented once their parent
     * dies. An idle dispatch process gets its input closed and a moment to finish; then the
     * brain gets SIGTERM and time to save its conversation (a TUI writes its last turn out then)
     * before the rest of the tree gets SIGTERM; then SIGKILL for whatever remains.
     */
    void stop(Duration grace, boolean busy) {
        expected = true;
        ProcessHandle root = handle;
        // Alive counts an exited brain not yet reaped: its children are still its own, to be found below.
        if (root == null || !root.isAlive()) {
            writer.shutdownNow();
            return;
        }
        List<ProcessHandle> tree = tree(root);
        if (pty) {
            settle();
        }
        if (!pty && !busy) {
            closeInput();
            waitAll(List.of(root), grace);
        }
        root.destroy();
        waitAll(List.of(root), grace);
        tree.forEach(ProcessHandle::destroy);
        List<ProcessHandle> left = waitAll(tree, Duration.ofSeconds(1));
        List<ProcessHandle> survivors = new ArrayList<>();
        left.forEach(p -> survivors.addAll(tree(p)));
        survivors.forEach(ProcessHandle::destroyForcibly);
        waitAll(survivors, grace);
        writer.shutdownNow();
    }

    /**
     * Waits until a TUI has drawn nothing for a moment (at most {@code grace}): it writes its
     * conversation out around the time it finishes drawing a reply, and a person who detaches
     * right after seeing one expects it kept. A TUI that never stops drawing costs two seconds.
     */
    private void settle() {
        long quiet = Duration.ofMillis(400).toNanos();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() - lastOutputNanos < quiet && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        return all;
    }

    /** Waits until the processes are gone or the time is up; returns those still alive. */
    private static List<ProcessHandle> waitAll(List<ProcessHandle> processes, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<ProcessHandle> alive = new ArrayList<>(processes);
        while (true) {
            alive.removeIf(p -> !Processes.running(p));
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                return alive;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
        }
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
