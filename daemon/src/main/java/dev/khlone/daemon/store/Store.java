package dev.khlone.daemon.store;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A zone's state on disk, owner-only: the crew file ({@link CrewFile}, {@code zone.json}) replaced
 * atomically on every change of the crew or a queue; the task journal ({@link Journal},
 * {@code tasks.jsonl}), to which every change of a task is appended and forced before anyone is
 * told about it; the clones' {@link TranscriptFiles}. On start the journal is authoritative for a
 * task's status: the crew file may lag it by one change after a crash, never the other way round.
 *
 * <p>No damage stops a zone: a torn or damaged journal is mended ({@link JournalReplay}), an
 * unreadable crew file is set aside and the crew rebuilt from the journal, a full disk delays the
 * records of accepted tasks and refuses new ones.
 *
 * <p>Three kinds of lock, none waiting on another: the journal's (held across its fsync), the crew
 * file's, and one per clone's {@link Transcript}, so a brain's reader thread writing its transcript
 * waits for no other clone and no fsync.
 */
public final class Store implements AutoCloseable {
    /**
     * What a daemon finds on start: the crew file's contents, the latest record of every task, the
     * profile each clone slug last ran under by the journal, and, when the crew file could not be
     * read, what was done about it ({@code clones} is then empty).
     */
    public record Loaded(String hero, Map<String, Integer> indexes, List<CloneRecord> clones, Map<String, TaskInfo> tasks,
                         Map<String, String> profiles, String crewTrouble) {}

    /** A record that could not be written now; it is kept and written before any later one. */
    public static final class Unsaved extends IOException {
        Unsaved(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** How the journal and transcripts are opened: owner-only files; a test's may fail on purpose. */
    interface Opener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    private final CrewFile crewFile;
    private final Journal journal;
    private final TranscriptFiles transcripts;

    private Store(CrewFile crewFile, Journal journal, TranscriptFiles transcripts) {
        this.crewFile = crewFile;
        this.journal = journal;
        this.transcripts = transcripts;
    }

    /**
     * Opens a zone's state: its crew file, task journal and transcripts directory, transcripts
     * rotated at the default cap.
     *
     * @throws IOException saying which directory is not writable
     */
    public static Store open(Path crewFile, Path journalFile, Path transcripts) throws IOException {
        return open(crewFile, journalFile, transcripts, Map.of());
    }

    /**
     * Opens a zone's state with transcripts rotated at {@code KHLONE_TRANSCRIPT_MAX} of {@code env}.
     *
     * @throws IOException saying which directory is not writable, or what is wrong with the cap
     */
    public static Store open(Path crewFile, Path journalFile, Path transcripts, Map<String, String> env)
            throws IOException {
        return open(crewFile, journalFile, transcripts, OwnerOnly::open, TranscriptFiles.cap(env));
    }

    static Store open(Path crewFile, Path journalFile, Path transcripts, Opener opener) throws IOException {
        return open(crewFile, journalFile, transcripts, opener, TranscriptFiles.DEFAULT_CAP);
    }

    static Store open(Path crewFile, Path journalFile, Path transcripts, Opener opener, long transcriptCap)
            throws IOException {
        try {
            OwnerOnly.directories(transcripts);
            Journal journal = new Journal(journalFile, opener);
            Path probe = crewFile.resolveSibling(".write-check");
            Files.deleteIfExists(probe);
            try (FileChannel ch = OwnerOnly.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                JsonLines.writeFully(ch, new byte[] {'o', 'k'});
            }
            Files.delete(probe);
            return new Store(new CrewFile(crewFile), journal, new TranscriptFiles(transcripts, opener, transcriptCap));
        } catch (IOException e) {
            throw new IOException("the zone's state directory " + crewFile.getParent() + " is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); free space on its disk, fix its permissions or set KHLONE_HOME", e);
        }
    }

    /** Reads the state, repairing the journal first: a torn last record is cut off, damaged ones are set aside. */
    public Loaded load() throws IOException {
        JournalReplay replay = journal.load();
        CrewFile.Crew crew = crewFile.load();
        return new Loaded(crew.hero(), crew.indexes(), crew.clones(), replay.tasks(), replay.profiles(), crew.trouble());
    }

    /** Replaces the crew file: written to a temp file, forced, then renamed over the old one. */
    public void saveCrew(String hero, Map<String, Integer> indexes, List<CloneRecord> clones) throws IOException {
        crewFile.save(hero, indexes, clones);
    }

    /**
     * Appends a task's new state under the profile its clone runs, and forces it to disk. A task's
     * first record is its acceptance: when it cannot be written (or older records still wait for
     * the disk) it is dropped and the IOException says why. A later record that cannot be written
     * is kept, written before any other, and {@link Unsaved} says so.
     */
    public void journal(TaskInfo task, String profile) throws IOException {
        journal.append(task, profile);
    }

    /**
     * Appends the first record of a task that starts at once, its acceptance, without waiting for
     * the disk, so that its brain can hear of it first: a daemon killed after this keeps the record
     * (the kernel has it; only a crash of the machine, which ends the brain too, may lose it).
     * {@link #force} must return before the task's submitter is told of it. When it cannot be
     * written the task is dropped and the IOException says why.
     */
    public void begin(TaskInfo task, String profile) throws IOException {
        journal.begin(task, profile);
    }

    /**
     * Forces what {@link #begin} wrote to disk. When that fails, {@link #retry} forces it again,
     * and refuses new tasks until it can.
     */
    public void force() throws IOException {
        journal.force();
    }

    /**
     * Writes the records kept while the disk was full, if there are any, and forces what
     * {@link #begin} wrote.
     *
     * @throws IOException why the disk still refuses them
     */
    public void retry() throws IOException {
        journal.retry();
    }

    /**
     * Appends to a clone's transcript; a lost line costs a line of the log, not work, so it is not
     * forced. Returns the line, which watchers are sent as it is.
     */
    public byte[] transcript(String slug, TranscriptEntry entry) {
        return transcript(slug, entry, false);
    }

    /**
     * {@link #transcript(String, TranscriptEntry)}; a {@code held} line (one of the entries a brain's
     * reader hears in one chunk of output) waits in memory until {@link #transcriptHeard} or the
     * clone's next line not held, so that a chunk's lines take one write, in order.
     */
    public byte[] transcript(String slug, TranscriptEntry entry, boolean held) {
        byte[] line = entry.toLine();
        transcripts.append(slug, line, held);
        return line;
    }

    /** Writes the lines held for a clone's transcript. */
    public void transcriptHeard(String slug) {
        transcripts.release(slug);
    }

    /** Writes what the disk did not take yet, if it can now, and closes the files. */
    @Override
    public void close() throws IOException {
        try {
            journal.close();
        } finally {
            transcripts.close();
        }
    }
}
