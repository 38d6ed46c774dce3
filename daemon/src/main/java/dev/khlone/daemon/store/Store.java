package dev.khlone.daemon.store;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A zone's state on disk. The crew file ({@code zone.json}) is replaced atomically on every
 * change of the crew or a queue; every change of a task is appended to the journal
 * ({@code tasks.jsonl}) and forced to disk before anyone is told about it; transcripts are
 * appended per clone. On start the journal is authoritative for a task's status: the crew file
 * may lag it by one change after a crash, never the other way round.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Store.class.getName());

    /** What a daemon finds on start: the crew file's contents and the latest record of every task. */
    public record Loaded(String hero, Map<String, Integer> indexes, List<CloneRecord> clones, Map<String, TaskInfo> tasks) {}

    private final Path crewFile;
    private final Path journalFile;
    private final Path transcripts;
    private final FileChannel journal;
    private final Map<String, FileChannel> transcriptFiles = new HashMap<>();

    private Store(Path crewFile, Path journalFile, Path transcripts, FileChannel journal) {
        this.crewFile = crewFile;
        this.journalFile = journalFile;
        this.transcripts = transcripts;
        this.journal = journal;
    }

    /**
     * Opens a zone's state: its crew file, task journal and transcripts directory.
     *
     * @throws IOException saying which directory is not writable
     */
    public static Store open(Path crewFile, Path journalFile, Path transcripts) throws IOException {
        try {
            Files.createDirectories(transcripts);
            FileChannel journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            Path probe = crewFile.resolveSibling(".write-check");
            Files.writeString(probe, "ok");
            Files.delete(probe);
            return new Store(crewFile, journalFile, transcripts, journal);
        } catch (IOException e) {
            throw new IOException("the zone's state directory " + crewFile.getParent() + " is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); fix its permissions or set KHLONE_HOME", e);
        }
    }

    public Loaded load() throws IOException {
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        List<byte[]> lines = lines(journalFile);
        for (int i = 0; i < lines.size(); i++) {
            try {
                TaskInfo t = TaskInfo.read(Codec.object(lines.get(i), "task record"));
                tasks.put(t.id(), t);
            } catch (ProtocolException e) {
                // Only the last record can be torn (the daemon died while appending it): it was never acknowledged.
                if (i < lines.size() - 1) {
                    throw new IOException(journalFile + " line " + (i + 1) + " is damaged: " + e.getMessage(), e);
                }
                LOG.warning("ignoring a torn last record in " + journalFile);
            }
        }
        if (!Files.exists(crewFile)) {
            return new Loaded(null, Map.of(), List.of(), tasks);
        }
        try {
            Fields f = Codec.object(Files.readAllBytes(crewFile), "crew file");
            List<CloneRecord> clones = new ArrayList<>();
            for (Fields c : f.list("clones")) {
                clones.add(CloneRecord.read(c));
            }
            Map<String, Integer> indexes = new LinkedHashMap<>();
            for (Fields r : f.list("indexes")) {
                indexes.put(r.string("role"), r.integer("index"));
            }
            return new Loaded(f.optionalString("hero"), indexes, clones, tasks);
        } catch (ProtocolException e) {
            throw new IOException(crewFile + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Replaces the crew file: written to a temp file, forced, then renamed over the old one. */
    public synchronized void saveCrew(String hero, Map<String, Integer> indexes, List<CloneRecord> clones) throws IOException {
        byte[] bytes = Codec.line(out -> out.number("version", 1).string("hero", hero)
                .list("indexes", List.copyOf(indexes.entrySet()), (e, w) -> w.string("role", e.getKey()).number("index", e.getValue()))
                .list("clones", clones, CloneRecord::write));
        Path temp = crewFile.resolveSibling(crewFile.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, bytes);
            ch.force(true);
        }
        try {
            Files.move(temp, crewFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, crewFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Appends a task's new state and forces it to disk. */
    public synchronized void journal(TaskInfo task) throws IOException {
        writeFully(journal, Codec.line(task::write));
        journal.force(false);
    }

    /** Appends to a clone's transcript; a lost line costs a line of the log, not work, so it is not forced. */
    public synchronized void transcript(String slug, TranscriptEntry entry) {
        try {
            FileChannel ch = transcriptFiles.get(slug);
            if (ch == null) {
                ch = FileChannel.open(transcripts.resolve(slug + ".jsonl"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                transcriptFiles.put(slug, ch);
            }
            writeFully(ch, entry.toLine());
        } catch (IOException e) {
            LOG.warning("could not append to the transcript of " + slug + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        journal.close();
        for (FileChannel ch : transcriptFiles.values()) {
            ch.close();
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static List<byte[]> lines(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                if (i > start) {
                    lines.add(Arrays.copyOfRange(all, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }
}
