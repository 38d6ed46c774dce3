package dev.khlone.cli;

import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the zone's daemon, starting it when needed, the way tmux's client does: on "no socket"
 * or "refused", take the zone's start lock, try once more, and only then start a daemon. Racing
 * clients queue on the lock, so five at once start one daemon and all five get their answer.
 */
final class DaemonConnector {
    private static final Duration POLL = Duration.ofMillis(25);

    private final Zone zone;
    private final Locations locations;

    DaemonConnector(Zone zone, Locations locations) {
        this.zone = zone;
        this.locations = locations;
    }

    /** A connection and whether this call started the daemon. */
    record Connected(Connection connection, boolean started) {}

    Optional<Connection> ifRunning() {
        try {
            return Optional.of(Connection.open(locations.socket(zone)));
        } catch (Connection.NotRunning e) {
            return Optional.empty();
        }
    }

    Connected connectOrStart() {
        Optional<Connection> running = ifRunning();
        if (running.isPresent()) {
            return new Connected(running.get(), false);
        }
        Path dir = locations.zoneDir(zone);
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot create the zone's state directory " + dir + ": " + e,
                    "check KHLONE_HOME (" + locations.home() + ") is writable");
        }
        try (FileChannel lockFile = FileChannel.open(locations.startLock(zone), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock ignored = lockFile.lock()) {
            running = ifRunning();
            if (running.isPresent()) {
                return new Connected(running.get(), false);
            }
            return new Connected(start(), true);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot take the zone's start lock: " + e.getMessage(),
                    "check KHLONE_HOME (" + locations.home() + ") is writable");
        }
    }

    private Connection start() {
        Duration timeout = startTimeout();
        Path log = locations.daemonLog(zone);
        Process process = DaemonProcess.startDetached(zone, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Connection> up = ifRunning();
            if (up.isPresent()) {
                return up.get();
            }
            // setsid may fork and exit 0; only a failing exit means the daemon gave up.
            if (!process.isAlive() && process.exitValue() != 0) {
                throw new KhloneException(ExitCode.UNREACHABLE,
                        "the zone daemon failed to start: " + lastLine(log),
                        "its log is " + log);
            }
            sleep(POLL);
        }
        throw new KhloneException(ExitCode.UNREACHABLE,
                "the zone daemon did not come up within " + timeout.toSeconds() + " s",
                "see its log: " + log);
    }

    /** {@code KHLONE_START_TIMEOUT} in seconds, for slow machines; 10 s by default. */
    private static Duration startTimeout() {
        String value = System.getenv("KHLONE_START_TIMEOUT");
        try {
            return Duration.ofSeconds(value == null ? 10 : Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new KhloneException(ExitCode.USAGE, "KHLONE_START_TIMEOUT=" + value + " is not a number of seconds",
                    "unset it or give whole seconds, e.g. KHLONE_START_TIMEOUT=30");
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).replaceFirst("^khlone daemon: ", "");
                }
            }
        } catch (IOException e) {
            // fall through: the hint names the log
        }
        return "no message in its log";
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KhloneException(ExitCode.FAILED, "interrupted", null);
        }
    }
}
