package dev.khlone.brain.opencode;

import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * What {@code opencode session list --format json} says of the sessions begun in a directory: read
 * from opencode's own database, so it holds what its log may not yet. opencode writes its log
 * lazily: a TUI whose terminal went away with a killed daemon was seen to have shown a turn's
 * reply 2 s before it ended, with the turn's {@code message=loop} line never written (1.18.33).
 * The list names each session's directory and its creation and last update; a session that ACP's
 * {@code session/new} only opened was updated when it was created, one a prompt ran in later.
 */
final class SessionList {
    private static final Logger LOG = Logger.getLogger(SessionList.class.getName());
    /** opencode takes 1–4 s to start; more on a loaded machine. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SessionList() {}

    /**
     * The latest session begun in {@code directory} since {@code since} that a prompt ran in, as
     * {@code binary} lists them; empty when there is none, or the list cannot be had (said in the log).
     */
    static Optional<String> latestPrompted(String binary, Environment env, Path directory, Instant since) {
        return latestPrompted(binary, env, directory, since, TIMEOUT);
    }

    /** ... giving the command {@code timeout} to print its list. */
    static Optional<String> latestPrompted(String binary, Environment env, Path directory, Instant since, Duration timeout) {
        String json = run(binary, env, directory, timeout);
        if (json == null) {
            return Optional.empty();
        }
        List<?> sessions;
        try {
            sessions = Json.parse(json) instanceof List<?> list ? list : List.of();
        } catch (IllegalArgumentException e) {
            LOG.warning("opencode session list printed no JSON list: " + e.getMessage());
            return Optional.empty();
        }
        String dir = directory.toString();
        return sessions.stream().filter(Map.class::isInstance).map(s -> (Map<?, ?>) s)
                .filter(s -> s.get("id") instanceof String && dir.equals(s.get("directory")))
                .filter(s -> millis(s.get("created")) >= since.toEpochMilli() && millis(s.get("updated")) > millis(s.get("created")))
                .max(Comparator.comparingLong(s -> millis(s.get("created"))))
                .map(s -> (String) s.get("id"));
    }

    /** What the command printed, or null (said in the log) if it failed or took too long. */
    private static String run(String binary, Environment env, Path directory, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(binary, "session", "list", "--format", "json", "-n", "50")
                    .directory(directory.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env.vars());
            Process p = pb.start();
            // Read on a thread of its own: a list that never ends must not hold the caller past the timeout.
            CompletableFuture<byte[]> printed = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    printed.complete(p.getInputStream().readAllBytes());
                } catch (IOException e) {
                    printed.completeExceptionally(e);
                }
            }, "opencode-session-list");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // what it started, too: nothing of it outlives the wait
                p.destroyForcibly();
                LOG.warning("opencode session list took over " + timeout.toSeconds() + " s; gave up on it");
                return null;
            }
            if (p.exitValue() != 0) {
                LOG.warning("opencode session list exited with code " + p.exitValue());
                return null;
            }
            return new String(printed.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
        } catch (IOException | ExecutionException | TimeoutException e) {
            LOG.warning("cannot run opencode session list: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long millis(Object value) {
        return value instanceof Number n ? n.longValue() : -1;
    }
}
