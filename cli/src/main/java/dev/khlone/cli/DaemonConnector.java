package dev.khlone.cli;

import dev.khlone.protocol.Failures;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
    private final Host host;

    DaemonConnector(Zone zone, Host host) {
        this.zone = zone;
        this.locations = host.locations();
        this.host = host;
    }

    Zone zone() {
        return zone;
    }

    Locations locations() {
        return locations;
    }

    /** A connection and whether this call started the daemon. */
    record Connected(Connection connection, boolean started) {}

    /**
     * The daemon serves the socket its record in the zone's private state dir names, if it had to
     * move off the public path (another user's file was there); else the public path. The record
     * comes first: it is ours, and the public path may be a stranger's.
     */
    private Optional<Connection> reach() throws Connection.NotOurs {
        Optional<Path> recorded = recordedSocket();
        if (recorded.isPresent()) {
            try {
                return Optional.of(Connection.open(recorded.get()));
            } catch (Connection.NotRunning e) {
                // a daemon killed while serving elsewhere leaves its record: try the public path
            }
        }
        try {
            return Optional.of(Connection.open(locations.socket(zone)));
        } catch (Connection.NotRunning e) {
            return Optional.empty();
        }
    }

    private Optional<Path> recordedSocket() {
        try {
            String text = Files.readString(locations.socketRecord(zone), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new KhloneException(ExitCode.UNREACHABLE, "cannot read " + locations.socketRecord(zone) + ": " + e.getMessage(),
                    "check KHLONE_HOME (" + locations.home() + ") is yours");
        }
    }

    /**
     * Connects, starting the daemon if none of ours runs. Another user's socket at the public path
     * is never written to, and does not keep the zone from running: the daemon then serves on a
     * fresh name that its record names (and {@code khlone status} says why).
     */
    Connected connectOrStart() {
        Optional<Connection> running = running();
        if (running.isPresent()) {
            return new Connected(running.get(), false);
        }
        makeStateDir();
        Path lock = locations.startLock(zone);
        try (FileChannel lockFile = FileChannel.open(lock, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock ignored = lockFile.lock()) {
            running = running();
            if (running.isPresent()) {
                return new Connected(running.get(), false);
            }
            return new Connected(start(), true);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot take the zone's start lock " + lock + ": " + Failures.of(e, lock),
                    "check KHLONE_HOME (" + locations.home() + ") is writable");
        }
    }

    /** The zone's state directory, made owner-only if there is none yet. */
    void makeStateDir() {
        Path dir = locations.zoneDir(zone);
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot create the zone's state directory " + dir + ": " + e,
                    "check KHLONE_HOME (" + locations.home() + ") is writable");
        }
    }

    /**
     * Who holds the public socket path when it is not ours (a file, or a socket another user
     * serves), for messages; empty when it is ours or free. Never connects.
     */
    Optional<String> stranger() {
        try {
            Connection.checkFile(locations.socket(zone));
            return Optional.empty();
        } catch (Connection.NotRunning e) {
            return Optional.empty();
        } catch (Connection.NotOurs e) {
            return Optional.of(e.getMessage());
        }
    }

    /** What {@link #find} found: a daemon that answers, one that holds the zone but does not, or none. */
    sealed interface Found permits Answering, Silent, None {}

    record Answering(Connection connection) implements Found {}

    /**
     * A live daemon that cannot be asked anything: its socket gone, it is wedged or still starting
     * ({@code why} null), or it speaks another protocol ({@code why} says which).
     */
    record Silent(long pid, String why) implements Found {}

    record None() implements Found {}

    /**
     * The zone's daemon without starting one, and past another user's socket: when nothing
     * answers, whoever holds the zone lock. The lock is looked at under the start lock, so a
     * client starting a daemon right now is not made to fail by our brief look (a shared lock,
     * refused while the daemon holds its own), and the socket tried once more after it: a daemon
     * that such a client just started answers.
     */
    Found find() {
        Optional<Connection> running;
        try {
            running = running();
        } catch (Connection.OtherProtocol e) {
            OptionalLong holder = lockHolder();
            if (holder.isEmpty()) {
                throw e;
            }
            return new Silent(holder.getAsLong(), e.getMessage());
        }
        if (running.isPresent()) {
            return new Answering(running.get());
        }
        OptionalLong holder = lockHolder();
        if (holder.isEmpty()) {
            return new None();
        }
        return running().<Found>map(Answering::new).orElse(new Silent(holder.getAsLong(), null));
    }

    private OptionalLong lockHolder() {
        Path lock = locations.daemonLock(zone);
        if (!Files.exists(lock)) {
            return OptionalLong.empty();
        }
        try (FileChannel start = FileChannel.open(locations.startLock(zone), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock starting = start.lock();
             FileChannel daemon = FileChannel.open(lock, StandardOpenOption.READ)) {
            FileLock free;
            try {
                free = daemon.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                free = null;
            }
            if (free != null) {
                free.release();
                return OptionalLong.empty();
            }
            String pid = Files.readString(lock, StandardCharsets.UTF_8).trim();
            return pid.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(pid));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot tell whether a daemon holds the zone's lock "
                    + lock + ": " + e.getMessage(), "check KHLONE_HOME (" + locations.home() + ") is yours");
        }
    }

    /** Our daemon, if one answers; another user's socket counts as none (it is never written to). */
    private Optional<Connection> running() {
        try {
            return reach();
        } catch (Connection.NotOurs e) {
            return Optional.empty();
        }
    }

    private Connection start() {
        Duration timeout = host.startTimeout();
        host.checkIdleExit();
        Path log = locations.daemonLog(zone);
        long pid = DaemonProcess.startDetached(zone, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Connection> up = running();
            if (up.isPresent()) {
                return up.get();
            }
            if (DaemonProcess.exited(pid)) {
                // It may have lost to a daemon that was re-creating its socket meanwhile.
                Optional<Connection> racer = running();
                if (racer.isPresent()) {
                    return racer.get();
                }
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
