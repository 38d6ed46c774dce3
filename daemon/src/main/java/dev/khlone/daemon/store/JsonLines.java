package dev.khlone.daemon.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The state's files are JSON lines: a line is appended whole or cut off, never left torn for the
 * next one to glue onto; a file rewritten whole replaces the old one atomically.
 */
final class JsonLines {
    private JsonLines() {}

    /**
     * Appends a whole line at {@code end} (cutting off anything after it first) and returns the new
     * end; a failed append is cut off again, so that no torn line glues onto the next one.
     */
    static long appendWhole(FileChannel ch, long end, byte[] line, boolean force) throws IOException {
        try {
            if (ch.size() != end) {
                ch.truncate(end);
            }
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf, end + buf.position());
            }
            if (force) {
                ch.force(false);
            }
            return end + line.length;
        } catch (IOException e) {
            try {
                ch.truncate(end);
            } catch (IOException again) {
                e.addSuppressed(again); // the next append cuts it off
            }
            throw e;
        }
    }

    /** The length of a JSON-lines file up to the end of its last complete line. */
    static long completeLength(FileChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(4096);
        long end = ch.size();
        while (end > 0) {
            long from = Math.max(0, end - one.capacity());
            one.clear().limit((int) (end - from));
            while (one.hasRemaining() && ch.read(one, from + one.position()) >= 0) {
                // fill the window
            }
            for (int i = one.position() - 1; i >= 0; i--) {
                if (one.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    /** Replaces {@code file} with {@code bytes}: an owner-only temp file, forced, renamed over it. */
    static void replace(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // a temp file an older khlone left has its old mode
        try (FileChannel ch = OwnerOnly.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, bytes);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp); // a full disk gets its space back
            throw e;
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** The file's bytes; none if it does not exist yet. */
    static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }
}
