package dev.khlone.daemon.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One clone's transcript file, appended whole lines at a time under its own lock: the brain's
 * reader thread that writes it waits for nothing but its own line (not for another clone's lines,
 * nor for the journal's fsync). A torn line is cut off before the next, as in the journal.
 */
final class Transcript implements Closeable {
    private final FileChannel file;
    private long end;

    Transcript(FileChannel file) throws IOException {
        this.file = file;
        this.end = JsonLines.completeLength(file);
    }

    /** Not forced: a lost line costs a line of the log, not work. */
    synchronized void append(byte[] line) throws IOException {
        end = JsonLines.appendWhole(file, end, line, false);
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
