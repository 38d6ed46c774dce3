package dev.khlone.testkit.brains;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A dispatch process started exactly from a dialect's {@link LaunchSpec}, as the daemon's handle
 * starts one: stdin a pipe, stdout and stderr apart. Prompts go in through the dialogue's encode,
 * stdout (read in whatever chunks the pipe gives) comes out through its decode, and what the
 * dialogue answers the process goes back in. For the brain modules' tests of their real CLI.
 */
public final class Dispatched implements AutoCloseable {
    private final Process process;
    private final String name;
    private final OutputStream stdin;
    private final Dialogue dialogue;
    private final Path stderr;
    private final BlockingQueue<BrainEvent> events = new LinkedBlockingQueue<>();
    private final List<BrainEvent> seen = new ArrayList<>();

    private Dispatched(Process process, String name, Dialogue dialogue, Path stderr) {
        this.process = process;
        this.name = name;
        this.stdin = process.getOutputStream();
        this.dialogue = dialogue;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, name + "-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the process and writes the dialogue's opening. */
    public static Dispatched start(LaunchSpec spec, Dialogue dialogue, Path stderr) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(spec.argv())
                .directory(spec.cwd().toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        Dispatched dispatched = new Dispatched(builder.start(), Path.of(spec.argv().get(0)).getFileName().toString(),
                dialogue, stderr);
        dispatched.write(dialogue.opening());
        return dispatched;
    }

    /** A per-task process: started, handed one prompt, its stdin closed. */
    public static Dispatched run(LaunchSpec spec, Dialogue dialogue, Path stderr, String prompt, TaskMode mode)
            throws IOException {
        Dispatched dispatched = start(spec, dialogue, stderr);
        dispatched.send(prompt, mode);
        dispatched.stdin.close();
        return dispatched;
    }

    public void send(String prompt, TaskMode mode) throws IOException {
        write(dialogue.encode(new Prompt(prompt), mode));
    }

    /** The events of the next turn, up to and including its {@link BrainEvent.TurnCompleted}. */
    public List<BrainEvent> awaitTurn(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<BrainEvent> turn = new ArrayList<>();
        while (true) {
            BrainEvent event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no end of turn within " + timeout + "; " + diagnostics());
            }
            turn.add(event);
            if (event instanceof BrainEvent.TurnCompleted || event instanceof BrainEvent.Failed) {
                return turn;
            }
        }
    }

    /** Closes stdin (which ends a persistent brain once its turn is done) and waits for the exit code. */
    public int finish(Duration timeout) throws IOException, InterruptedException {
        synchronized (this) {
            stdin.close();
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + " after stdin closed; " + diagnostics());
        }
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the brain and whatever it started, so no test leaves processes behind. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From the test's thread and, for the dialogue's replies, the reader's. */
    private synchronized void write(byte[] bytes) throws IOException {
        if (bytes.length > 0) {
            stdin.write(bytes);
            stdin.flush();
        }
    }

    private void readStdout() {
        Dialogue.Sink sink = new Dialogue.Sink() {
            @Override
            public void event(BrainEvent event) {
                synchronized (seen) {
                    seen.add(event);
                }
                events.add(event);
            }

            @Override
            public void reply(byte[] bytes) {
                try {
                    write(bytes);
                } catch (IOException gone) {
                    // The process is gone; a waiting test times out and reports what it saw.
                }
            }
        };
        byte[] buffer = new byte[8192];
        try (InputStream out = process.getInputStream()) {
            for (int n; (n = out.read(buffer)) > 0; ) {
                dialogue.decode(buffer, 0, n, sink);
            }
        } catch (IOException closed) {
            // The process is gone; a waiting test times out and reports what it saw.
        }
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder("alive=").append(process.isAlive()).append("\nevents:");
        synchronized (seen) {
            seen.forEach(e -> {
                String text = e instanceof BrainEvent.Raw raw ? "Raw " + new String(raw.bytes()) : e.toString();
                out.append("\n  ").append(text.length() > 300 ? text.substring(0, 300) + "..." : text);
            });
        }
        try {
            out.append("\nstderr:\n").append(Files.readString(stderr));
        } catch (IOException e) {
            out.append("\nstderr unreadable: ").append(e.getMessage());
        }
        return out.toString();
    }
}
