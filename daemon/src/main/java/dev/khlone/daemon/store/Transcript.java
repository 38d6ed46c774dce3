package dev.khlone.daemon.store;

import dev.khlone.protocol.store.TranscriptFile;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * One clone's transcript, appended whole lines at a time under its own lock: the brain's reader
 * thread that writes it waits for nothing but its own line (not for another clone's lines, nor for
 * the journal's fsync). A torn line is cut off before the next, as in the journal.
 *
 * <p>A line that would take the live file past its cap first rotates it, under the same lock: the
 * parts shift up ({@code .2} to {@code .3}, the oldest dropped), the live file, cut to its last whole
 * line, becomes {@code .1}, and the next line opens a new one. Each step is a rename, so a kill at any
 * point leaves every line in one file in order: at worst a part is missing (the reader skips the gap)
 * or the live file is (the next line creates it).
 *
 * <p>The lines a brain's reader hears in one chunk of output are held and written together when the
 * chunk is done ({@link #release}), or before any other line: one write a chunk rather than one a
 * line, in the order they came. A kill loses what it always could: lines read from the brain and not
 * yet written.
 */
final class Transcript implements Closeable {
    private static final Logger LOG = Logger.getLogger(Transcript.class.getName());
    /** The most held before it is written anyway: a chunk's worth of lines, or one big line at once. */
    static final int HOLD_MAX = 64 << 10;

    private final Path dir;
    private final String slug;
    private final Store.Opener opener;
    private final long cap;
    private FileChannel file;
    private long end;
    /** Where the live file is rotated: its cap, or further on when renaming failed. */
    private long rotateAt;
    /** Whole lines held for the next write. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();

    Transcript(Path dir, String slug, Store.Opener opener, long cap) {
        this.dir = dir;
        this.slug = slug;
        this.opener = opener;
        this.cap = cap;
    }

    /**
     * Appends a line after those held; with {@code hold}, keeps it for the next write instead (unless
     * {@value #HOLD_MAX} bytes are held). Not forced: a lost line costs a line of the log, not work.
     */
    synchronized void append(byte[] line, boolean hold) throws IOException {
        if (held.size() == 0 && !hold) {
            write(line);
            return;
        }
        held.write(line, 0, line.length);
        if (!hold || held.size() >= HOLD_MAX) {
            release();
        }
    }

    /** Writes the lines held. */
    synchronized void release() throws IOException {
        if (held.size() > 0) {
            byte[] lines = held.toByteArray();
            held.reset();
            write(lines);
        }
    }

    private void write(byte[] lines) throws IOException {
        if (file == null) {
            open();
        }
        if (end > 0 && end + lines.length > rotateAt && rotated()) {
            open();
        }
        end = JsonLines.appendWhole(file, end, lines, false);
    }

    /** Opens (creating it) the live file; a torn last line a kill left is cut off by the next append. */
    private void open() throws IOException {
        file = opener.open(path(0), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        end = JsonLines.completeLength(file);
        rotateAt = cap;
    }

    /** Whether the live file became part 1; if renaming failed it is written on, and tried again a cap later. */
    private boolean rotated() {
        try {
            file.truncate(end); // a torn last line stays out of the part, as the next append would cut it off
            Files.deleteIfExists(path(TranscriptFile.PARTS));
            for (int part = TranscriptFile.PARTS - 1; part >= 0; part--) {
                move(path(part), path(part + 1));
            }
        } catch (IOException e) {
            rotateAt = end + cap;
            LOG.warning("could not rotate the transcript of " + slug + " (" + e.getMessage() + "); it grows past its cap"
                    + " until it can");
            return false;
        }
        try {
            file.close();
        } catch (IOException e) {
            LOG.fine("closing the rotated transcript of " + slug + ": " + e.getMessage());
        }
        file = null;
        return true;
    }

    private Path path(int part) {
        return dir.resolve(new TranscriptFile(slug, part).fileName());
    }

    /** Renames a part that exists; one a kill left missing leaves a gap, not a wrong order. */
    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // nothing to shift
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            release();
        } finally {
            if (file != null) {
                file.close();
            }
        }
    }
}
