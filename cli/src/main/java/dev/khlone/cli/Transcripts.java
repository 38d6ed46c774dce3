package dev.khlone.cli;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads the zone's transcripts ({@code transcripts/<clone>.jsonl}) straight from the state dir, no
 * daemon needed, and keeps reading where it left off: each {@link #poll} returns the entries
 * appended since the last one, from transcripts old and new. A line is read once it ends with a
 * newline (the daemon may be writing the rest).
 */
final class Transcripts {
    private static final String SUFFIX = ".jsonl";

    /** One entry and the clone whose transcript holds it. */
    record Line(String slug, TranscriptEntry entry) {}

    private static final class Tail {
        long offset;
        long lineNumber;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    }

    private final Path dir;
    private final Consumer<String> warnings;
    private final Map<String, Tail> tails = new TreeMap<>();

    /** {@code warnings} hears about lines that are not transcript entries; they are skipped. */
    Transcripts(Path dir, Consumer<String> warnings) {
        this.dir = dir;
        this.warnings = warnings;
    }

    Path dir() {
        return dir;
    }

    /** The clones that have a transcript, as of the last poll, in order. */
    List<String> clones() {
        return new ArrayList<>(tails.keySet());
    }

    /** The entries written since the last poll, oldest first. */
    List<Line> poll() throws IOException {
        List<Line> lines = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String clone = name.substring(0, name.length() - SUFFIX.length());
                read(clone, file, tails.computeIfAbsent(clone, c -> new Tail()), lines);
            }
        } catch (NoSuchFileException e) {
            return lines;
        }
        lines.sort(Comparator.comparingLong(l -> l.entry().timeMs()));
        return lines;
    }

    private void read(String clone, Path file, Tail tail, List<Line> into) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < tail.offset) {
                // replaced or truncated: start over
                tail.offset = 0;
                tail.lineNumber = 0;
                tail.pending.reset();
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            channel.position(tail.offset);
            int n;
            while ((n = channel.read(buffer)) > 0) {
                tail.offset += n;
                byte[] bytes = buffer.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        tail.pending.write(bytes, start, i - start);
                        line(clone, tail, into);
                        start = i + 1;
                    }
                }
                tail.pending.write(bytes, start, n - start);
                buffer.clear();
            }
        } catch (NoSuchFileException e) {
            // removed between the listing and the read
        }
    }

    private void line(String clone, Tail tail, List<Line> into) {
        byte[] bytes = tail.pending.toByteArray();
        tail.pending.reset();
        tail.lineNumber++;
        if (bytes.length == 0) {
            return;
        }
        try {
            into.add(new Line(clone, TranscriptEntry.parse(bytes)));
        } catch (ProtocolException e) {
            warnings.accept("line " + tail.lineNumber + " of " + clone + SUFFIX + " is not a transcript entry ("
                    + e.getMessage() + "); skipped it");
        }
    }
}
