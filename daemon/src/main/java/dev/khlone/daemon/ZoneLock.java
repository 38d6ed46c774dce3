package dev.khlone.daemon;

import dev.khlone.daemon.store.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The zone's lock, held by its daemon for its whole life: whoever holds it is the one daemon of
 * the zone. The kernel releases it when the process dies, however it dies. The file names the
 * holder's pid for messages.
 */
final class ZoneLock implements AutoCloseable {
    private final Path file;
    private final Object fileKey;
    private final FileChannel channel;
    private final FileLock lock;

    private ZoneLock(Path file, Object fileKey, FileChannel channel, FileLock lock) {
        this.file = file;
        this.fileKey = fileKey;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or an explanation naming the daemon that holds it. */
    static ZoneLock acquire(Path file) throws IOException {
        FileChannel channel = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            throw new AlreadyRunning("a daemon is already running for this zone"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new ZoneLock(file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(),
                channel, lock);
    }

    /**
     * The lock file is still the one locked: not deleted with the zone's state directory, nor
     * replaced (a daemon started in a re-made directory would hold a lock of its own there).
     */
    boolean intact() {
        try {
            return fileKey.equals(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        channel.truncate(0);
        lock.release();
        channel.close();
    }

    /** Another daemon holds the zone. */
    static final class AlreadyRunning extends IOException {
        AlreadyRunning(String message) {
            super(message);
        }
    }
}
