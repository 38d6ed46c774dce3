package dev.khlone.daemon.store;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crew file ({@code zone.json}): the hero, the role indexes and every clone's record, replaced
 * whole on every change under this object's monitor, apart from the journal, whose fsync it need
 * not wait for. An unreadable one is set aside on load; the crew is then rebuilt from the journal.
 */
final class CrewFile {
    /** What the crew file held; when it could not be read, what was done about it ({@code clones} is then empty). */
    record Crew(String hero, Map<String, Integer> indexes, List<CloneRecord> clones, String trouble) {}

    private final Path file;

    CrewFile(Path file) {
        this.file = file;
    }

    /** Replaces the crew file: written to a temp file, forced, then renamed over the old one. */
    synchronized void save(String hero, Map<String, Integer> indexes, List<CloneRecord> clones) throws IOException {
        JsonLines.replace(file, Codec.line(out -> out.number("version", 1).string("hero", hero)
                .list("indexes", List.copyOf(indexes.entrySet()), (e, w) -> w.string("role", e.getKey()).number("index", e.getValue()))
                .list("clones", clones, CloneRecord::write)));
    }

    /** Reads the crew file; an unreadable one is moved aside and an empty crew says why. */
    synchronized Crew load() throws IOException {
        if (!Files.exists(file)) {
            return new Crew(null, Map.of(), List.of(), null);
        }
        try {
            Fields f = Codec.object(Files.readAllBytes(file), "crew file");
            List<CloneRecord> clones = new ArrayList<>();
            for (Fields c : f.list("clones")) {
                clones.add(CloneRecord.read(c));
            }
            Map<String, Integer> indexes = new LinkedHashMap<>();
            for (Fields r : f.list("indexes")) {
                indexes.put(r.string("role"), r.integer("index"));
            }
            return new Crew(f.optionalString("hero"), indexes, clones, null);
        } catch (ProtocolException | IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return new Crew(null, Map.of(), List.of(), file + " could not be read (" + e.getMessage() + "); it was moved to " + aside);
        }
    }
}
