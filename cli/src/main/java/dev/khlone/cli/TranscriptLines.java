package dev.khlone.cli;

import dev.khlone.cli.Transcripts.Line;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a transcript file's whole lines, forwards from where it was or backwards from its end, in
 * 1 MiB windows. With a task, a line is parsed only if it holds the task's id as JSON writes it
 * (found by Boyer–Moore–Horspool), and shown only if its task is that one.
 */
final class TranscriptLines {
    private static final int CHUNK = 1 << 20;
    private static final byte NL = '\n';

    /** Where one file was read to: a part read once, or a live file followed. */
    static final class Cursor {
        final String name;
        final FileChannel channel;
        final Object key;
        long offset;
        byte[] pending = new byte[0];

        Cursor(String name, FileChannel channel, Object key) {
            this.name = name;
            this.channel = channel;
            this.key = key;
        }
    }

    private final String task;
    /** The task's id as JSON writes it, or null when every line is parsed. */
    private final byte[] needle;
    private final int[] skip = new int[256];
    private final Consumer<String> warnings;
    private byte[] buffer = new byte[0];

    /** Only {@code task}'s lines unless it is null; {@code warnings} hears about lines that are not entries: they are skipped. */
    TranscriptLines(String task, Consumer<String> warnings) {
        this.task = task;
        this.warnings = warnings;
        // as JSON writes it only if it needs no escape: else every line is parsed
        boolean plain = task != null && task.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
        this.needle = plain ? ("\"" + task + "\"").getBytes(StandardCharsets.UTF_8) : null;
        if (needle != null) {
            Arrays.fill(skip, needle.length);
            for (int i = 0; i < needle.length - 1; i++) {
                skip[needle[i] & 0xff] = needle.length - 1 - i;
            }
        }
    }

    /** Reads a file on from where it was, to its end; what follows its last newline stays pending. */
    void forward(String slug, Cursor c, List<Line> into) throws IOException {
        if (c.channel.size() < c.offset) {
            // truncated: start over
            c.offset = 0;
            c.pending = new byte[0];
        }
        while (true) {
            int carry = c.pending.length;
            if (buffer.length < carry + CHUNK) {
                buffer = new byte[carry + CHUNK];
            }
            System.arraycopy(c.pending, 0, buffer, 0, carry);
            int n = c.channel.read(ByteBuffer.wrap(buffer, carry, CHUNK), c.offset);
            if (n <= 0) {
                return;
            }
            c.offset += n;
            int length = carry + n;
            int last = length - 1;
            while (last >= 0 && buffer[last] != NL) {
                last--;
            }
            lines(slug, c, buffer, 0, last + 1, c.offset - length, into);
            c.pending = Arrays.copyOfRange(buffer, last + 1, length);
        }
    }

    /**
     * Reads a file's whole lines backwards from its end until {@code n} of them are wanted ones,
     * adding them oldest first before those in {@code into}; returns where its whole lines end.
     */
    long backwards(String slug, Cursor c, int n, List<Line> into) throws IOException {
        long position = c.channel.size();
        long end = -1;
        byte[] carry = new byte[0]; // the start of the lines after position, up to the first one read whole
        List<Line> found = new ArrayList<>();
        while (position > 0 && found.size() < n) {
            int length = (int) Math.min(CHUNK, position);
            position -= length;
            byte[] bytes = new byte[length + carry.length];
            ByteBuffer read = ByteBuffer.wrap(bytes, 0, length);
            while (read.hasRemaining() && c.channel.read(read, position + read.position()) > 0) {
                // fill the window
            }
            System.arraycopy(carry, 0, bytes, length, carry.length);
            int to = bytes.length;
            if (end < 0) {
                // what follows the last newline is being written, or was torn
                while (to > 0 && bytes[to - 1] != NL) {
                    to--;
                }
                if (to == 0) {
                    carry = new byte[0];
                    continue;
                }
                end = position + to;
            }
            int from = 0;
            if (position > 0) {
                while (from < to && bytes[from] != NL) {
                    from++;
                }
                from++; // the line before the first newline may start in an earlier window
            }
            List<Line> window = new ArrayList<>();
            lines(slug, c, bytes, Math.min(from, to), to, position, window);
            found.addAll(0, window);
            carry = Arrays.copyOf(bytes, Math.min(from, to));
        }
        into.addAll(0, found.subList(Math.max(0, found.size() - n), found.size()));
        return Math.max(end, 0);
    }

    /** The wanted entries of the whole lines in {@code bytes[from, to)}, which starts at file offset {@code at}. */
    private void lines(String slug, Cursor c, byte[] bytes, int from, int to, long at, List<Line> into) throws IOException {
        if (needle == null) {
            for (int i = from; i < to; i++) {
                if (bytes[i] == NL) {
                    entry(slug, c, bytes, from, i, at, into);
                    from = i + 1;
                }
            }
            return;
        }
        int hit = from;
        while ((hit = find(bytes, hit, to)) >= 0) {
            int start = hit;
            while (start > from && bytes[start - 1] != NL) {
                start--;
            }
            int end = hit + needle.length;
            while (bytes[end] != NL) {
                end++;
            }
            entry(slug, c, bytes, start, end, at, into);
            hit = end + 1;
        }
    }

    /** Where the task's id next occurs in {@code bytes[from, to)} (Boyer–Moore–Horspool), or -1. */
    private int find(byte[] bytes, int from, int to) {
        int last = needle.length - 1;
        for (int i = from + last; i < to; i += skip[bytes[i] & 0xff]) {
            int j = last;
            while (bytes[i - last + j] == needle[j]) {
                if (j-- == 0) {
                    return i - last;
                }
            }
        }
        return -1;
    }

    private void entry(String slug, Cursor c, byte[] bytes, int start, int end, long at, List<Line> into)
            throws IOException {
        if (start == end) {
            return;
        }
        try {
            TranscriptEntry entry = TranscriptEntry.parse(Arrays.copyOfRange(bytes, start, end));
            if (task == null || task.equals(entry.task())) {
                into.add(new Line(slug, entry));
            }
        } catch (ProtocolException e) {
            warnings.accept("line " + lineNumber(c, at + start) + " of " + c.name + " is not a transcript entry ("
                    + e.getMessage() + "); skipped it");
        }
    }

    /** Which line starts at {@code offset}: counted only for a broken line, so reading never counts. */
    private static long lineNumber(Cursor c, long offset) throws IOException {
        long lines = 1;
        ByteBuffer window = ByteBuffer.allocate(64 * 1024);
        for (long position = 0; position < offset; ) {
            window.clear().limit((int) Math.min(window.capacity(), offset - position));
            int n = c.channel.read(window, position);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (window.get(i) == NL) {
                    lines++;
                }
            }
            position += n;
        }
        return lines;
    }
}
