package dev.khlone.cli;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.store.TranscriptFile;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads the zone's transcripts straight from the state dir, no daemon needed: each clone's rotated
 * parts, oldest first, then its live file ({@link TranscriptFile}); then keeps reading the live files
 * where it left off, across the daemon's rotations. Only the clones and the task asked for are
 * read: a line that does not hold the task's id is skipped before it is parsed. A clone's lines are
 * in time order as written, so the clones' lines are merged, not sorted. A line is read once it ends
 * with a newline (the daemon may be writing the rest); a torn last line of a part is skipped.
 */
final class Transcripts {
    private static final int CHUNK = 1 << 20;
    private static final byte NL = '\n';

    /** One entry and the clone whose transcript holds it. */
    record Line(String slug, TranscriptEntry entry) {}

    /** Where one file was read to: a part read once, or a live file followed. */
    private static final class Cursor {
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

    private final Path dir;
    private final Predicate<String> clones;
    private final String task;
    /** The task's id as JSON writes it, or null when every line is parsed. */
    private final byte[] needle;
    private final int[] skip = new int[256];
    private final Consumer<String> warnings;
    private final Set<String> known = new TreeSet<>();
    /** The live file of each clone read so far; null while a clone has only parts. */
    private final Map<String, Cursor> live = new TreeMap<>();
    private byte[] buffer = new byte[0];

    /**
     * Reads the clones {@code clones} accepts and, unless null, only {@code task}'s lines;
     * {@code warnings} hears about lines that are not transcript entries: they are skipped.
     */
    Transcripts(Path dir, Predicate<String> clones, String task, Consumer<String> warnings) {
        this.dir = dir;
        this.clones = clones;
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

    /** Every clone that has a transcript, as of the last read, in order. */
    List<String> clones() {
        return new ArrayList<>(known);
    }

    /** Everything the transcripts hold, oldest first; {@link #poll} goes on from there. */
    List<Line> history() throws IOException {
        List<List<Line>> perClone = new ArrayList<>();
        for (Map.Entry<String, Integer> clone : list().entrySet()) {
            perClone.add(whole(clone.getKey(), clone.getValue()));
        }
        return merge(perClone);
    }

    /** The last {@code n} lines, oldest first, read from the ends of the files; {@link #poll} goes on from there. */
    List<Line> recent(int n) throws IOException {
        List<List<Line>> perClone = new ArrayList<>();
        for (Map.Entry<String, Integer> clone : list().entrySet()) {
            String slug = clone.getKey();
            Cursor cursor = open(slug, 0);
            live.put(slug, cursor);
            List<Line> newestLast = new ArrayList<>();
            if (cursor != null) {
                cursor.offset = backwards(slug, cursor, n, newestLast);
            }
            for (int part = 1; part <= lastPart(clone.getValue()) && newestLast.size() < n; part++) {
                Cursor file = open(slug, part);
                if (file != null && !file.key.equals(cursor == null ? null : cursor.key)) {
                    backwards(slug, file, n - newestLast.size(), newestLast);
                }
                close(file);
            }
            perClone.add(newestLast);
        }
        List<Line> lines = merge(perClone);
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** The lines written since the last read, oldest first, from clones old and new. */
    List<Line> poll() throws IOException {
        List<List<Line>> perClone = new ArrayList<>();
        for (Map.Entry<String, Integer> clone : list().entrySet()) {
            String slug = clone.getKey();
            if (!live.containsKey(slug)) {
                perClone.add(whole(slug, clone.getValue()));
                continue;
            }
            List<Line> lines = new ArrayList<>();
            Cursor cursor = live.get(slug);
            // Look before reading: a rotation seen now left nothing more in the old file once it is read.
            Object now = key(dir.resolve(TranscriptFile.live(slug).fileName()));
            if (cursor != null) {
                forward(slug, cursor, lines);
            }
            if (now != null && (cursor == null || !now.equals(cursor.key))) {
                close(cursor);
                Cursor next = open(slug, 0);
                live.put(slug, next);
                if (next != null) {
                    forward(slug, next, lines);
                }
            }
            perClone.add(lines);
        }
        return merge(perClone);
    }

    /** The clones asked for and their last part (0: none); {@link #known} learns of every clone. */
    private Map<String, Integer> list() throws IOException {
        Map<String, Integer> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path entry : entries) {
                TranscriptFile file = TranscriptFile.of(entry.getFileName().toString());
                if (file != null) {
                    known.add(file.slug());
                    if (clones.test(file.slug())) {
                        files.merge(file.slug(), file.part(), Math::max);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // no transcripts yet
        }
        return files;
    }

    /**
     * All of a clone's lines: its live file opened first and its parts looked for after, so that a
     * rotation meanwhile shifts no part past the reader, and the part the live file became is known
     * by its key and read once, as the live file.
     */
    private List<Line> whole(String slug, int listedPart) throws IOException {
        Cursor cursor = open(slug, 0);
        live.put(slug, cursor);
        List<Line> lines = new ArrayList<>();
        for (int part = lastPart(listedPart); part > 0; part--) {
            Cursor file = open(slug, part);
            if (file != null && !file.key.equals(cursor == null ? null : cursor.key)) {
                forward(slug, file, lines); // a torn last line stays pending: the part is never written again
            }
            close(file);
        }
        if (cursor != null) {
            forward(slug, cursor, lines);
        }
        return lines;
    }

    /** The oldest part to look for: the daemon keeps {@link TranscriptFile#PARTS}; more that were listed are read too. */
    private static int lastPart(int listedPart) {
        return Math.max(TranscriptFile.PARTS, listedPart);
    }

    /** A clone's file, opened; null if there is none. Its key is checked around the open, so a rename meanwhile is not missed. */
    private Cursor open(String slug, int part) throws IOException {
        Path path = dir.resolve(new TranscriptFile(slug, part).fileName());
        while (true) {
            Object before = key(path);
            if (before == null) {
                return null;
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (before.equals(key(path))) {
                return new Cursor(path.getFileName().toString(), channel, before);
            }
            channel.close();
        }
    }

    private static Object key(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void close(Cursor cursor) throws IOException {
        if (cursor != null) {
            cursor.channel.close();
        }
    }

    /** Reads a file on from where it was, to its end; what follows its last newline stays pending. */
    private void forward(String slug, Cursor c, List<Line> into) throws IOException {
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
    private long backwards(String slug, Cursor c, int n, List<Line> into) throws IOException {
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

    /** The clones' lines, each clone's in time order, merged into one; ties go to the clone first in name order. */
    private static List<Line> merge(List<List<Line>> perClone) {
        if (perClone.size() == 1) {
            return perClone.get(0);
        }
        PriorityQueue<int[]> heads = new PriorityQueue<>(Comparator
                .<int[]>comparingLong(h -> perClone.get(h[0]).get(h[1]).entry().timeMs()).thenComparingInt(h -> h[0]));
        int total = 0;
        for (int i = 0; i < perClone.size(); i++) {
            total += perClone.get(i).size();
            if (!perClone.get(i).isEmpty()) {
                heads.add(new int[] {i, 0});
            }
        }
        List<Line> merged = new ArrayList<>(total);
        while (!heads.isEmpty()) {
            int[] head = heads.poll();
            List<Line> lines = perClone.get(head[0]);
            merged.add(lines.get(head[1]));
            if (++head[1] < lines.size()) {
                heads.add(head);
            }
        }
        return merged;
    }
}
