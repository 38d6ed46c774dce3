package dev.khlone.cli;

import dev.khlone.cli.TranscriptLines.Cursor;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.store.TranscriptFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
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
    /** One entry and the clone whose transcript holds it. */
    record Line(String slug, TranscriptEntry entry) {}

    private final Path dir;
    private final Predicate<String> clones;
    private final TranscriptLines reader;
    private final Set<String> known = new TreeSet<>();
    /** The live file of each clone read so far; null while a clone has only parts. */
    private final Map<String, Cursor> live = new TreeMap<>();

    /**
     * Reads the clones {@code clones} accepts and, unless null, only {@code task}'s lines;
     * {@code warnings} hears about lines that are not transcript entries: they are skipped.
     */
    Transcripts(Path dir, Predicate<String> clones, String task, Consumer<String> warnings) {
        this.dir = dir;
        this.clones = clones;
        this.reader = new TranscriptLines(task, warnings);
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
                cursor.offset = reader.backwards(slug, cursor, n, newestLast);
            }
            for (int part = 1; part <= lastPart(clone.getValue()) && newestLast.size() < n; part++) {
                Cursor file = open(slug, part);
                if (file != null && !file.key.equals(cursor == null ? null : cursor.key)) {
                    reader.backwards(slug, file, n - newestLast.size(), newestLast);
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
                reader.forward(slug, cursor, lines);
            }
            if (now != null && (cursor == null || !now.equals(cursor.key))) {
                close(cursor);
                Cursor next = open(slug, 0);
                live.put(slug, next);
                if (next != null) {
                    reader.forward(slug, next, lines);
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
                reader.forward(slug, file, lines); // a torn last line stays pending: the part is never written again
            }
            close(file);
        }
        if (cursor != null) {
            reader.forward(slug, cursor, lines);
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
