package dev.khlone.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    final Path home;
    final Path sockets;
    final Path zoneRoot;
    private String stdin = "";
    private boolean stdinIsTerminal = true;
    private boolean stderrIsTerminal;
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

    Cli now(long ms) {
        this.nowMs = ms;
        return this;
    }

    long now() {
        return nowMs;
    }

    private final java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();

    Host host() {
        return new Host(Map.of("KHLONE_HOME", home.toString(), "KHLONE_SOCKET_DIR", sockets.toString()),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), stdinIsTerminal, stderrIsTerminal,
                () -> nowMs, UTC, stdout, false);
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

        /** Waits up to 5 s for stdout to contain {@code text}; false if it never did. */
        boolean awaitOut(String text) throws InterruptedException {
            return await(out, text);
        }

        /** Waits up to 5 s for stderr to contain {@code text}; false if it never did. */
        boolean awaitErr(String text) throws InterruptedException {
            return await(err, text);
        }

        private boolean await(StringWriter writer, String text) throws InterruptedException {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!writer.toString().contains(text)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }

        /** Interrupts the command and waits up to 5 s for it to return. */
        Run stop() throws InterruptedException {
            thread.interrupt();
            thread.join(5_000);
            if (thread.isAlive()) {
                throw new AssertionError("the command did not stop within 5 s of an interrupt");
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
