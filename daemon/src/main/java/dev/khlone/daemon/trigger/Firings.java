package dev.khlone.daemon.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.khlone.daemon.store.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What each trigger has done, by name, in {@code triggers.json} beside the task journal: when it
 * was first armed, its last firing, the last task it started, and a firing whose task may not be
 * in the journal yet ({@link Firing pending}). The file is replaced whole (a forced temp file
 * renamed over it) before a firing's task is submitted and after, so a daemon killed in between
 * finds the firing and can tell from the journal whether its task was accepted (docs/concurrency.md).
 * Only the scheduler thread uses it.
 */
final class Firings {
    private static final Logger LOG = Logger.getLogger(Firings.class.getName());

    /** Made on first use: a zone whose triggers never fired does not start databind for them. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /**
     * A firing at {@code atMs} (its cron slot, or when its burst settled) of the files that changed:
     * the first {@link #FILES} by name, and how many {@code more} (a checkout changes thousands; a
     * prompt names a hundred, and stays far below a frame's size).
     */
    record Firing(long atMs, List<String> files, int more) {
        static final int FILES = 100;

        static Firing of(long atMs, java.util.Collection<String> changed) {
            List<String> first = changed.stream().limit(FILES).toList();
            return new Firing(atMs, first, changed.size() - first.size());
        }
    }

    /**
     * One trigger's record; {@code pending} is the firing whose task's acceptance is not yet known;
     * {@code skipped} counts the firings let go (its last task still running, the day's budget spent).
     */
    record Record(long armedMs, long lastMs, String lastTask, Firing pending, long skipped) {
        static final Record NONE = new Record(0, 0, null, null, 0);

        Record skippedOnce() {
            return new Record(armedMs, lastMs, lastTask, pending, skipped + 1);
        }
    }

    private final Path file;
    private final Map<String, Record> records = new HashMap<>();

    private Firings(Path file) {
        this.file = file;
    }

    /** The records {@code file} holds; an unreadable file is set aside and logged, and the triggers start afresh. */
    static Firings load(Path file) {
        Firings firings = new Firings(file);
        try {
            byte[] bytes = Files.readAllBytes(file); // first: no file, no mapper
            JsonNode top = Json.MAPPER.readTree(bytes);
            top.fields().forEachRemaining(e -> {
                JsonNode r = e.getValue();
                Firing pending = null;
                if (r.hasNonNull("pending")) {
                    List<String> files = new ArrayList<>();
                    r.get("pending").path("files").forEach(f -> files.add(f.asText()));
                    pending = new Firing(r.get("pending").path("atMs").asLong(), List.copyOf(files),
                            r.get("pending").path("more").asInt());
                }
                firings.records.put(e.getKey(), new Record(r.path("armedMs").asLong(), r.path("lastMs").asLong(),
                        r.hasNonNull("lastTask") ? r.get("lastTask").asText() : null, pending, r.path("skipped").asLong()));
            });
        } catch (NoSuchFileException e) {
            // no trigger has fired yet
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot read " + file + " (" + e.getMessage() + "); the triggers start without their last firings");
            firings.records.clear();
        }
        return firings;
    }

    Record get(String name) {
        return records.getOrDefault(name, Record.NONE);
    }

    /** Sets a trigger's record and writes the file before returning. */
    void put(String name, Record record) throws IOException {
        records.put(name, record);
        ObjectNode top = Json.MAPPER.createObjectNode();
        records.forEach((n, r) -> {
            ObjectNode o = top.putObject(n);
            o.put("armedMs", r.armedMs()).put("lastMs", r.lastMs()).put("skipped", r.skipped());
            if (r.lastTask() != null) {
                o.put("lastTask", r.lastTask());
            }
            if (r.pending() != null) {
                ObjectNode p = o.putObject("pending").put("atMs", r.pending().atMs()).put("more", r.pending().more());
                r.pending().files().forEach(p.putArray("files")::add);
            }
        });
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel ch = OwnerOnly.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(top));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
