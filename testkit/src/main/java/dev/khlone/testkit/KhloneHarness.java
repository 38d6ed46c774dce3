package dev.khlone.testkit;

import dev.khlone.protocol.Processes;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real, installed {@code khlone} command (and through it the real daemon) in a private
 * world: its own KHLONE_HOME, socket directory, HOME and zones under one temp directory, so a
 * test never meets a user's daemon or state. Closing it stops every daemon it started.
 *
 * <p>The installed layout is found from the system property {@code khlone.dist} (set by the
 * build to the freshly laid out {@code dist/target/khlone}); the command run is its
 * {@code bin/khlone}, or the one {@code khlone.launcher} names (the bench's: an installed command).
 */
public final class KhloneHarness implements AutoCloseable {
    /** What one command did. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path dist;
    private final Path launcher;
    private final Path root;
    private final Path home;
    private final Path sockets;
    private final Path userHome;
    private final Map<String, String> env = new HashMap<>();

    public KhloneHarness() {
        String d = System.getProperty("khlone.dist");
        if (d == null) {
            throw new IllegalStateException("system property khlone.dist is not set: run the end-to-end tests through Maven");
        }
        dist = Path.of(d);
        String l = System.getProperty("khlone.launcher");
        launcher = l != null ? Path.of(l) : dist.resolve("bin/khlone");
        try {
            // Short and under /tmp: a unix socket path must fit in 108 bytes.
            root = Files.createTempDirectory(Path.of("/tmp"), "khl-");
            home = Files.createDirectory(root.resolve("state"));
            sockets = Files.createDirectory(root.resolve("s"));
            userHome = Files.createDirectory(root.resolve("home"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("KHLONE_HOME", home.toString());
        env.put("KHLONE_SOCKET_DIR", sockets.toString());
        env.put("HOME", userHome.toString());
        env.put("XDG_STATE_HOME", userHome.resolve(".local/state").toString());
        env.put("KHLONE_START_TIMEOUT", "30");
    }

    public Path launcher() {
        return launcher;
    }

    /** The installed layout: {@code bin/} and {@code lib/}. */
    public Path dist() {
        return dist;
    }

    /** The temp directory everything lives in. */
    public Path root() {
        return root;
    }

    public Locations locations() {
        return new Locations(home, sockets);
    }

    /** The environment every command gets on top of this JVM's own. */
    public Map<String, String> env() {
        return env;
    }

    /** A fresh directory to use as a zone (or a place inside one). */
    public Path newDirectory(String name) {
        try {
            return Files.createDirectories(root.resolve("zones").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Zone zone(Path dir) {
        try {
            return locations().zoneContaining(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process builder for {@code khlone args...} in {@code cwd}, for tests that drive it themselves. */
    public ProcessBuilder command(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * Runs {@code khlone args...} in {@code cwd} to the end and returns what it did; a command
     * killed by a signal has the signal and the end of each daemon's log added to its stderr, for
     * whoever reads the failure: nothing in a test sends it one.
     */
    public Result run(Path cwd, String... args) {
        Result r = run(command(cwd, args));
        if (r.exitCode() <= 128) {
            return r;
        }
        StringBuilder err = new StringBuilder(r.err()).append("(killed by signal ").append(r.exitCode() - 128).append(")\n");
        Path zones = home.resolve("zones");
        try (Stream<Path> ids = Files.isDirectory(zones) ? Files.list(zones) : Stream.empty()) {
            for (Path log : ids.map(dir -> dir.resolve("daemon.log")).filter(Files::isRegularFile).toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                err.append("--- the end of ").append(log).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> err.append(l).append('\n'));
            }
        } catch (IOException e) {
            err.append("(the daemons' logs could not be read: ").append(e).append(")\n");
        }
        return new Result(r.exitCode(), r.out(), err.toString());
    }

    /** Runs a prepared command to the end, stdin closed, and returns what it did. */
    public static Result run(ProcessBuilder pb) {
        Result r = run(pb, COMMAND_TIMEOUT);
        if (r.exitCode() == NO_ANSWER) {
            throw new AssertionError("command did not finish in " + COMMAND_TIMEOUT + ": " + pb.command());
        }
        return r;
    }

    /** The exit code {@link #run(ProcessBuilder, Duration)} reports for a command it had to kill. */
    public static final int NO_ANSWER = -1;

    /**
     * Runs a prepared command, stdin closed, for at most {@code timeout}: one still running then is
     * killed and reported as exit {@link #NO_ANSWER}, with what it had said.
     */
    public static Result run(ProcessBuilder pb, Duration timeout) {
        try {
            Path out = Files.createTempFile("khl-out", ".txt");
            Path err = Files.createTempFile("khl-err", ".txt");
            try {
                Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    p.destroyForcibly().waitFor();
                }
                String said = Files.readString(err, StandardCharsets.UTF_8);
                return new Result(ended ? p.exitValue() : NO_ANSWER, Files.readString(out, StandardCharsets.UTF_8),
                        ended ? said : said + "(no answer within " + timeout.toSeconds() + " s)\n");
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The pid written in the zone's lock by the daemon holding it, if one does. */
    public Optional<Long> daemonPid(Zone zone) {
        try {
            String text = Files.readString(locations().daemonLock(zone)).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Daemon processes of {@code zone} running now, found by their command line. */
    public static List<ProcessHandle> daemonProcesses(Zone zone) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> {
                    String line = String.join(" ", p.info().arguments().orElse(new String[0]));
                    return line.contains("khlone-daemon.jar") && line.endsWith("--zone " + zone.root());
                })
                .toList();
    }

    /** Waits until the process is gone, for up to {@code timeout}; true if it is. */
    public static boolean awaitExit(long pid, Duration timeout) {
        return Await.within(timeout, () -> !running(pid));
    }

    /** Alive and not a zombie. */
    public static boolean running(long pid) {
        return Processes.running(pid);
    }

    /** Makes the harness's directories reachable by other users (for tests that play one). */
    public void openToOthers() {
        for (Path p : List.of(root, home, sockets, userHome, root.resolve("zones"))) {
            try {
                if (Files.exists(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Stops every daemon started under this harness (kill -9 for one that will not stop), then removes its files. */
    @Override
    public void close() {
        Path zones = home.resolve("zones");
        if (Files.isDirectory(zones)) {
            try (Stream<Path> ids = Files.list(zones)) {
                for (Path dir : ids.toList()) {
                    stopDaemonIn(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopDaemonIn(Path zoneDir) throws IOException {
        Path lock = zoneDir.resolve("daemon.lock");
        if (!Files.exists(lock)) {
            return;
        }
        String text = Files.readString(lock).trim();
        if (text.isEmpty()) {
            return;
        }
        long pid = Long.parseLong(text);
        // The lock of a killed daemon still names it; make sure the pid was not reused by someone else.
        Optional<ProcessHandle> daemon = ProcessHandle.of(pid)
                .filter(p -> p.info().commandLine().orElse("").contains("khlone-daemon.jar"));
        daemon.ifPresent(ProcessHandle::destroy);
        if (daemon.isPresent() && !awaitExit(pid, Duration.ofSeconds(10))) {
            daemon.get().destroyForcibly();
            awaitExit(pid, Duration.ofSeconds(5));
        }
    }
}
