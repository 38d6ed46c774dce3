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

    Host host() {
        return new Host(Map.of("KHLONE_HOME", home.toString(), "KHLONE_SOCKET_DIR", sockets.toString()),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), stdinIsTerminal, stderrIsTerminal,
                () -> nowMs, UTC);
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

    /** Nothing was started: no socket, no state dir for any zone. */
    boolean untouched() {
        try (Stream<Path> s = Files.list(sockets); Stream<Path> h = Files.list(home)) {
            return s.findAny().isEmpty() && h.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
