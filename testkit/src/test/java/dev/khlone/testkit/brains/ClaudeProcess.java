package dev.khlone.testkit.brains;

import dev.khlone.protocol.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code claude -p} in stream-json mode on pipes, as the daemon will run it in dispatch mode:
 * prompts go in as one JSON line each, and every output line is parsed as it arrives.
 */
final class ClaudeProcess implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final Path stderr;
    private final BlockingQueue<Map<String, Object>> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ClaudeProcess(Process process, Path stderr) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "claude-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code claude -p --input-format stream-json --output-format stream-json --verbose} plus {@code args}. */
    static ClaudeProcess start(ClaudeHome home, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Brains.claude().toString(), "-p",
                "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"));
        command.addAll(args);
        Path stderr = Files.createTempFile(home.home().getParent(), "claude-stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.project().toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(home.environment());
        return new ClaudeProcess(builder.start(), stderr);
    }

    /** Writes one user prompt as a stream-json line. */
    void send(String prompt) throws IOException {
        String line = Json.write(Map.of("type", "user", "message", Map.of("role", "user",
                "content", List.of(Map.of("type", "text", "text", prompt)))));
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** The next {@code result} line: the end of a turn. */
    Map<String, Object> awaitResult(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no result line within " + timeout + "; " + diagnostics());
            }
            if ("result".equals(line.get("type"))) {
                return line;
            }
        }
    }

    /** Closes stdin, which ends the process once the running turn is done, and waits for its exit. */
    int finish(Duration timeout) throws IOException, InterruptedException {
        stdin.close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("claude did not exit within " + timeout + " after stdin closed; "
                    + diagnostics());
        }
        return process.exitValue();
    }

    /** Kills claude and whatever it started (tool commands), so no test leaves processes behind. */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (seen) {
                    seen.add(line);
                }
                try {
                    lines.add(Json.parseObject(line));
                } catch (IllegalArgumentException notJson) {
                    // Kept in `seen` for the failure message; stream-json output has no other lines.
                }
            }
        } catch (IOException closed) {
            // The process is gone; waiting callers time out and report what they saw.
        }
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder("alive=").append(process.isAlive()).append("\nstdout:");
        synchronized (seen) {
            seen.forEach(l -> out.append("\n  ").append(l.length() > 300 ? l.substring(0, 300) + "..." : l));
        }
        try {
            out.append("\nstderr:\n").append(Files.readString(stderr));
        } catch (IOException e) {
            out.append("\nstderr unreadable: ").append(e.getMessage());
        }
        return out.toString();
    }
}
