package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@code khlone} in this JVM against a private world: KHLONE_HOME and KHLONE_SOCKET_DIR in a
 * temp dir, a zone directory of its own, stdin given by the test, a fixed clock, UTC.
 */
final class Cli {
    record Run(int exitCode, String out, String err) {}

    static final ZoneId UTC = ZoneOffset.UTC;
    /** How long a test waits for a command's output or its return. */
    static final Duration WAIT = Duration.ofSeconds(5);

    final Path home;
    final Path sockets;
    final Path zoneRoot;
    private String stdin = "";
    private boolean stdinIsTerminal = true;
    private boolean stderrIsTerminal;
    private boolean stdoutIsTerminal;
    private Map<String, String> env = Map.of();
    private long nowMs = 1_750_000_000_000L;

    Cli(Path tmp) {
        try {
            this.home = Files.createDirectories(tmp.resolve("home"));
            this.sockets = Files.createDirectories(tmp.resolve("s"));
            this.zoneRoot = Files.createDirectories(tmp.resolve("work"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stdin is a pipe carrying {@code text}. */
    Cli stdin(String text) {
        this.stdin = text;
        this.stdinIsTerminal = false;
        return this;
    }

    Cli stderrIsTerminal() {
        this.stderrIsTerminal = true;
        return this;
    }

    /** Stdout and stderr are a terminal, with {@code env} added to the environment (e.g. NO_COLOR). */
    Cli atATerminal(Map<String, String> env) {
        this.stdoutIsTerminal = true;
        this.stderrIsTerminal = true;
        this.env = env;
        return this;
    }

    Cli now(long ms) {
        this.nowMs = ms;
        return this;
    }

    long now() {
        return nowMs;
    }

    private final java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();

    Host host() {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("KHLONE_HOME", home.toString());
        all.put("KHLONE_SOCKET_DIR", sockets.toString());
        return new Host(Map.copyOf(all), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), stdinIsTerminal,
                stderrIsTerminal, () -> nowMs, UTC, stdout, stdoutIsTerminal);
    }

    /** What commands wrote to stdout as bytes (a clone's screen, in watch). */
    String stdoutBytes() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    /** Runs in the zone of {@link #zoneRoot} (unless the arguments name a zone themselves). */
    Run run(String... args) {
        String[] withZone = args;
        if (!String.join(" ", args).contains("--zone") && !String.join(" ", args).contains("--help")
                && args.length > 0 && !args[0].equals("version")) {
            withZone = Stream.concat(Stream.of(args), Stream.of("--zone", zoneRoot.toString())).toArray(String[]::new);
        }
        return raw(withZone);
    }

    /** Runs exactly these arguments. */
    Run raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), host());
        return new Run(code, out.toString(), err.toString());
    }

    /** A command running on its own thread, e.g. {@code log -f}: its output so far, and a way to stop it. */
    final class Running {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final int[] exit = {-1};
        private final Thread thread;

        Running(String[] args) {
            Host host = host();
            thread = new Thread(() -> exit[0] = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), host),
                    "khlone " + String.join(" ", args));
            thread.setDaemon(true);
            thread.start();
        }

        String out() {
            return out.toString();
        }

        /** Waits for stdout to contain {@code text}; fails showing what it does contain. */
        void awaitOut(String text) {
            await("stdout", out, text);
        }

        /** Waits for stderr to contain {@code text}; fails showing what it does contain. */
        void awaitErr(String text) {
            await("stderr", err, text);
        }

        private void await(String stream, StringWriter writer, String text) {
            Await.until(WAIT, "the " + stream + " of " + thread.getName() + " to show \"" + text + "\"", () -> {
                assertThat(writer.toString()).as(stream).contains(text);
                return true;
            });
        }

        /** Interrupts the command and waits for it to return. */
        Run stop() throws InterruptedException {
            thread.interrupt();
            return awaitExit();
        }

        /** Waits for the command to return by itself. */
        Run awaitExit() throws InterruptedException {
            thread.join(WAIT.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " did not return within " + WAIT);
            }
            return new Run(exit[0], out.toString(), err.toString());
        }
    }

    /** Starts exactly these arguments on a thread of their own. */
    Running start(String... args) {
        return new Running(args);
    }

    /** Nothing was started: no socket, no state dir for any zone (the user's zone key may have been made). */
    boolean untouched() {
        try (Stream<Path> s = Files.list(sockets); Stream<Path> h = Files.list(home)) {
            return s.findAny().isEmpty() && h.allMatch(p -> p.getFileName().toString().equals("zone.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
