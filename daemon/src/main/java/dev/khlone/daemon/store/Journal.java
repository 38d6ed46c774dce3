package dev.khlone.daemon.store;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The task journal ({@code tasks.jsonl}): every change of a task is appended and forced to disk
 * before anyone is told about it, under this object's monitor (held across the fsync); the first
 * record of a task that starts at once may be forced after its brain hears of it ({@link #begin}).
 * A record of a task already accepted that cannot be written (a full disk) is kept in memory and
 * written, in order, as soon as the disk takes it; a new task's first record that cannot be
 * written refuses the task.
 */
final class Journal implements Closeable {
    private static final Logger LOG = Logger.getLogger(Journal.class.getName());

    private final Path file;
    private final Store.Opener opener;
    private FileChannel channel;
    /** The journal's length up to its last complete record; anything after it is cut before the next append. */
    private long end;
    /** Records of accepted tasks the disk did not take yet, oldest first. */
    private final Deque<byte[]> unwritten = new ArrayDeque<>();
    /** Tasks with a record, written or kept: a record of any other task is its acceptance. */
    private final Set<String> accepted = new HashSet<>();
    /** A record was written by {@link #begin} and not forced since. */
    private boolean unforced;

    Journal(Path file, Store.Opener opener) throws IOException {
        this.file = file;
        this.opener = opener;
        this.channel = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.end = JsonLines.completeLength(channel);
    }

    /** Reads the journal back, repairing it first: a torn last record is cut off, damaged ones are set aside. */
    synchronized JournalReplay load() throws IOException {
        JournalReplay replay = JournalReplay.of(file, JsonLines.read(file));
        if (!replay.damaged().isEmpty()) {
            replay.setAside(file);
            channel.close();
            JsonLines.replace(file, replay.kept());
            channel = opener.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } else if (replay.torn() != null) {
            channel.truncate(replay.kept().length);
        }
        end = channel.size();
        accepted.addAll(replay.tasks().keySet());
        return replay;
    }

    /** See {@link Store#journal}. */
    synchronized void append(TaskInfo task, String profile) throws IOException {
        byte[] line = record(task, profile);
        if (!accepted.contains(task.id())) {
            flush();
            write(line);
            accepted.add(task.id());
            return;
        }
        unwritten.addLast(line);
        try {
            flush();
        } catch (IOException e) {
            throw new Store.Unsaved(e);
        }
    }

    /** See {@link Store#begin}. */
    synchronized void begin(TaskInfo task, String profile) throws IOException {
        if (accepted.contains(task.id())) {
            throw new IllegalStateException(task.id() + " has a record already");
        }
        flush();
        end = JsonLines.appendWhole(channel, end, record(task, profile), false);
        unforced = true;
        accepted.add(task.id());
    }

    /** See {@link Store#force}. */
    synchronized void force() throws IOException {
        if (unforced) {
            channel.force(false);
            unforced = false;
        }
    }

    /**
     * Writes the records kept while the disk was full, if there are any, and forces what
     * {@link #begin} wrote.
     *
     * @throws IOException why the disk still refuses them
     */
    synchronized void retry() throws IOException {
        force();
        if (unwritten.isEmpty()) {
            return;
        }
        int waiting = unwritten.size();
        flush();
        LOG.info("the journal took the " + waiting + " record(s) kept while it could not be written");
    }

    private void flush() throws IOException {
        while (!unwritten.isEmpty()) {
            write(unwritten.peekFirst());
            unwritten.removeFirst();
        }
    }

    private void write(byte[] line) throws IOException {
        end = JsonLines.appendWhole(channel, end, line, true);
        unforced = false; // forcing the file forced every record before it
    }

    private static byte[] record(TaskInfo task, String profile) throws IOException {
        return Codec.line(out -> {
            task.write(out);
            out.string("profile", profile);
        });
    }

    /** Writes what the disk did not take yet, if it can now, and closes the file. */
    @Override
    public synchronized void close() throws IOException {
        try {
            retry();
        } catch (IOException e) {
            LOG.severe(unwritten.size() + " record(s) of the journal could not be written (" + e.getMessage()
                    + ") and are lost; the tasks they changed are taken up from their last record on the next start");
        }
        channel.close();
    }
}
