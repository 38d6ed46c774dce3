package dev.khlone.cli;

import dev.khlone.protocol.zone.Locations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a command sees of the world besides its arguments and writers: the environment, stdin,
 * whether stdin, stdout and stderr are terminals, the clock and the time zone, and stdout as
 * bytes (a clone's screen is bytes, not text). {@link Main#main} passes
 * the real ones; tests pass their own, so a test decides where the socket and the state dir are.
 * Every environment variable the client reads is read here.
 */
record Host(Map<String, String> env, InputStream stdin, boolean stdinIsTerminal, boolean stderrIsTerminal,
            LongSupplier clock, ZoneId timeZone, OutputStream stdout, boolean stdoutIsTerminal) {

    static Host system() {
        return new Host(System.getenv(), System.in, isTerminal(0), isTerminal(2), System::currentTimeMillis,
                null, System.out, isTerminal(1));
    }

    /** The given time zone, else the system's, looked up on first use: the time-zone database costs a start ~7 ms. */
    @Override
    public ZoneId timeZone() {
        return timeZone != null ? timeZone : ZoneId.systemDefault();
    }

    /** {@code KHLONE_HOME}, {@code XDG_STATE_HOME}, {@code HOME} and {@code KHLONE_SOCKET_DIR}: where zones live. */
    Locations locations() {
        return Locations.fromEnvironment(env);
    }

    /** Colour for stdout: only at a terminal, and never under {@code NO_COLOR} or {@code TERM=dumb}. */
    Paint paint() {
        return Paint.forStream(stdoutIsTerminal, env);
    }

    /** Colour for stderr, where errors go. */
    Paint errorPaint() {
        return Paint.forStream(stderrIsTerminal, env);
    }

    /** What this command hands the daemon for the brains it starts: PATH and the brains' variables. */
    Map<String, String> brainEnvironment() {
        return dev.khlone.protocol.brain.Environment.forBrains(env);
    }

    /** {@code KHLONE_DEBUG}: errors come with their stack trace. */
    boolean debug() {
        return env.get("KHLONE_DEBUG") != null;
    }

    /** {@code KHLONE_DETACH_KEY}, else ctrl-]: the key that leaves a talk. */
    String detachKey() {
        return env.getOrDefault("KHLONE_DETACH_KEY", "ctrl-]");
    }

    /** {@code KHLONE_START_TIMEOUT} in seconds, for slow machines; 10 s by default. */
    Duration startTimeout() {
        String value = env.get("KHLONE_START_TIMEOUT");
        try {
            return Duration.ofSeconds(value == null ? 10 : Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new KhloneException(ExitCode.USAGE, "KHLONE_START_TIMEOUT=" + value + " is not a number of seconds",
                    "unset it or give whole seconds, e.g. KHLONE_START_TIMEOUT=30");
        }
    }

    /**
     * {@code KHLONE_IDLE_EXIT}, which the daemon this command starts reads (it leaves after that long
     * with nothing to do): checked here, so that a wrong value is said before a daemon starts.
     */
    void checkIdleExit() {
        String value = env.get("KHLONE_IDLE_EXIT");
        if (value != null && !value.isBlank() && dev.khlone.protocol.Durations.parse(value).isEmpty()) {
            throw new KhloneException(ExitCode.USAGE, "KHLONE_IDLE_EXIT=" + value + " is not a duration",
                    "give one like 30m, 2h or 90s, or unset it to keep the daemon running");
        }
    }

    long nowMs() {
        return clock.getAsLong();
    }

    /**
     * Whether file descriptor {@code fd} of this process is a terminal. JDK 17 has no isatty: Linux
     * shows where a descriptor points in /proc; elsewhere {@code System.console()} (stdin and stdout
     * both terminals) is the best guess.
     */
    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }
}
