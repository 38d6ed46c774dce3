package dev.khlone.daemon.store;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A zone's state on disk, owner-only. The crew file ({@code zone.json}) is replaced atomically on
 * every change of the crew or a queue; every change of a task is appended to the journal
 * ({@code tasks.jsonl}) and forced to disk before anyone is told about it; transcripts are
 * appended per clone. On start the journal is authoritative for a task's status: the crew file
 * may lag it by one change after a crash, never the other way round.
 *
 * <p>No damage stops a zone: a torn last line (the daemon or the disk gave out mid-append) is cut
 * off, a damaged line before it is set aside in {@code tasks.jsonl.damaged}, an unreadable crew
 * file is set aside and the crew rebuilt from the journal. A record of a task already accepted
 * that cannot be written (a full disk) is kept in memory and written, in order, as soon as the disk
 * takes it; a new task's first record that cannot be written refuses the task.
 *
 * <p>Three kinds of lock, none waiting on another: the journal (this object's monitor, held
 * across its fsync), the crew file ({@code crewLock}), and one per clone's {@link Transcript}, so a
 * brain's reader thread writing its transcript waits for no other clone and no fsync. (The class
 * is over 300 lines: the journal's repair and its full-disk bookkeeping are one piece of state.)
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Store.class.getName());

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

    private final Opener opener;
    private final Path crewFile;
    private final Path journalFile;
    private final Path transcripts;
    private FileChannel journal;
    /** The journal's length up to its last complete record; anything after it is cut before the next append. */
    private long journalEnd;
    /** Records of accepted tasks the disk did not take yet, oldest first. */
    private final Deque<byte[]> unwritten = new ArrayDeque<>();
    /** Tasks with a record, written or kept: a record of any other task is its acceptance. */
    private final Set<String> accepted = new HashSet<>();
    /** Each clone's transcript, appended under its own lock: a brain's reader never waits on another clone or the journal. */
    private final Map<String, Transcript> transcriptFiles = new ConcurrentHashMap<>();
    /** Guards replacing the crew file, apart from the journal (this), whose fsync it need not wait for. */
    private final Object crewLock = new Object();

    private Store(Opener opener, Path crewFile, Path journalFile, Path transcripts, FileChannel journal) throws IOException {
        this.opener = opener;
        this.crewFile = crewFile;
        this.journalFile = journalFile;
        this.transcripts = transcripts;
        this.journal = journal;
        this.journalEnd = completeLength(journal);
    }

    /**
     * Opens a zone's state: its crew file, task journal and transcripts directory.
     *
     * @throws IOException saying which directory is not writable
     */
    public static Store open(Path crewFile, Path journalFile, Path transcripts) throws IOException {
        return open(crewFile, journalFile, transcripts, OwnerOnly::open);
    }

    static Store open(Path crewFile, Path journalFile, Path transcripts, Opener opener) throws IOException {
        try {
            OwnerOnly.directories(transcripts);
            FileChannel journal = opener.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            Path probe = crewFile.resolveSibling(".write-check");
            Files.deleteIfExists(probe);
            try (FileChannel ch = OwnerOnly.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, new byte[] {'o', 'k'});
            }
            Files.delete(probe);
            return new Store(opener, crewFile, journalFile, transcripts, journal);
        } catch (IOException e) {
            throw new IOException("the zone's state directory " + crewFile.getParent() + " is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); free space on its disk, fix its permissions or set KHLONE_HOME", e);
        }
    }

    /** Reads the state, repairing the journal first: a torn last record is cut off, damaged ones are set aside. */
    public synchronized Loaded load() throws IOException {
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        Map<String, String> profiles = new HashMap<>();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        List<byte[]> damaged = new ArrayList<>();
        byte[] all = read(journalFile);
        int start = 0;
        int lineNo = 0;
        String torn = null;
        while (start < all.length) {
            int nl = indexOf(all, (byte) '\n', start);
            lineNo++;
            byte[] line = java.util.Arrays.copyOfRange(all, start, nl < 0 ? all.length : nl + 1);
            start = nl < 0 ? all.length : nl + 1;
            if (nl < 0) {
                torn = "line " + lineNo + " has no end";
                break;
            }
            if (line.length == 1) {
                kept.write(line);
                continue;
            }
            try {
                Fields f = Codec.object(line, "task record");
                TaskInfo t = TaskInfo.read(f);
                tasks.put(t.id(), t);
                String profile = f.optionalString("profile");
                if (profile != null) {
                    profiles.put(t.cloneSlug(), profile);
                }
                kept.write(line);
            } catch (ProtocolException e) {
                if (start == all.length) {
                    torn = "line " + lineNo + " cannot be read (" + e.getMessage() + ")";
                } else {
                    LOG.warning(journalFile + " line " + lineNo + " is damaged (" + e.getMessage() + "); it is set aside in "
                            + damagedJournal());
                    damaged.add(line);
                }
            }
        }
        if (torn != null) {
            // Never acknowledged to anyone: the daemon or the disk gave out while appending it.
            LOG.warning(journalFile + ": the last record was torn (" + torn + "); it is cut off");
        }
        if (!damaged.isEmpty()) {
            try (FileChannel aside = OwnerOnly.open(damagedJournal(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                for (byte[] line : damaged) {
                    writeFully(aside, line);
                }
                aside.force(false);
            }
            journal.close();
            replace(journalFile, kept.toByteArray());
            journal = opener.open(journalFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } else if (torn != null) {
            journal.truncate(kept.size());
        }
        journalEnd = journal.size();
        accepted.addAll(tasks.keySet());
        return loadCrew(tasks, profiles);
    }

    private Loaded loadCrew(Map<String, TaskInfo> tasks, Map<String, String> profiles) throws IOException {
        if (!Files.exists(crewFile)) {
            return new Loaded(null, Map.of(), List.of(), tasks, profiles, null);
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
            return new Loaded(f.optionalString("hero"), indexes, clones, tasks, profiles, null);
        } catch (ProtocolException | IOException e) {
            Path aside = crewFile.resolveSibling(crewFile.getFileName() + ".damaged-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Files.move(crewFile, aside, StandardCopyOption.REPLACE_EXISTING);
            return new Loaded(null, Map.of(), List.of(), tasks, profiles,
                    crewFile + " could not be read (" + e.getMessage() + "); it was moved to " + aside);
        }
    }

    private Path damagedJournal() {
        return journalFile.resolveSibling(journalFile.getFileName() + ".damaged");
    }

    /** Replaces the crew file: written to a temp file, forced, then renamed over the old one. */
    public void saveCrew(String hero, Map<String, Integer> indexes, List<CloneRecord> clones) throws IOException {
        synchronized (crewLock) {
            replaceCrew(hero, indexes, clones);
        }
    }

    private void replaceCrew(String hero, Map<String, Integer> indexes, List<CloneRecord> clones) throws IOException {
        replace(crewFile, Codec.line(out -> out.number("version", 1).string("hero", hero)
                .list("indexes", List.copyOf(indexes.entrySet()), (e, w) -> w.string("role", e.getKey()).number("index", e.getValue()))
                .list("clones", clones, CloneRecord::write)));
    }

    /**
     * Appends a task's new state under the profile its clone runs, and forces it to disk. A task's
     * first record is its acceptance: when it cannot be written (or older records still wait for
     * the disk) it is dropped and the IOException says why. A later record that cannot be written
     * is kept, written before any other, and {@link Unsaved} says so.
     */
    public synchronized void journal(TaskInfo task, String profile) throws IOException {
        byte[] line = Codec.line(out -> {
            task.write(out);
            out.string("profile", profile);
        });
        if (!accepted.contains(task.id())) {
            flush();
            append(line);
            accepted.add(task.id());
            return;
        }
        unwritten.addLast(line);
        try {
            flush();
        } catch (IOException e) {
            throw new Unsaved(e);
        }
    }

    /**
     * Writes the records kept while the disk was full, if there are any.
     *
     * @throws IOException why the disk still refuses them
     */
    public synchronized void retry() throws IOException {
        if (unwritten.isEmpty()) {
            return;
        }
        int waiting = unwritten.size();
        flush();
        LOG.info("the journal took the " + waiting + " record(s) kept while it could not be written");
    }

    private void flush() throws IOException {
        while (!unwritten.isEmpty()) {
            append(unwritten.peekFirst());
            unwritten.removeFirst();
        }
    }

    private void append(byte[] line) throws IOException {
        journalEnd = appendWhole(journal, journalEnd, line, true);
    }

    /**
     * Appends a whole line at {@code end} (cutting off anything after it first) and returns the new
     * end; a failed append is cut off again, so that no torn line glues onto the next one.
     */
    static long appendWhole(FileChannel ch, long end, byte[] line, boolean force) throws IOException {
        try {
            if (ch.size() != end) {
                ch.truncate(end);
            }
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf, end + buf.position());
            }
            if (force) {
                ch.force(false);
            }
            return end + line.length;
        } catch (IOException e) {
            try {
                ch.truncate(end);
            } catch (IOException again) {
                e.addSuppressed(again); // the next append cuts it off
            }
            throw e;
        }
    }

    /** Appends to a clone's transcript; a lost line costs a line of the log, not work, so it is not forced. */
    public void transcript(String slug, TranscriptEntry entry) {
        try {
            Transcript transcript = transcriptFiles.get(slug);
            if (transcript == null) {
                synchronized (transcriptFiles) { // a clone's first line: opening is brief, and rare
                    transcript = transcriptFiles.get(slug);
                    if (transcript == null) {
                        transcript = new Transcript(opener.open(transcripts.resolve(slug + ".jsonl"), StandardOpenOption.CREATE,
                                StandardOpenOption.READ, StandardOpenOption.WRITE));
                        transcriptFiles.put(slug, transcript);
                    }
                }
            }
            transcript.append(entry.toLine());
        } catch (IOException e) {
            LOG.warning("could not append to the transcript of " + slug + ": " + e.getMessage());
        }
    }

    /** Writes what the disk did not take yet, if it can now, and closes the files. */
    @Override
    public synchronized void close() throws IOException {
        try {
            retry();
        } catch (IOException e) {
            LOG.severe(unwritten.size() + " record(s) of the journal could not be written (" + e.getMessage()
                    + ") and are lost; the tasks they changed are taken up from their last record on the next start");
        }
        journal.close();
        for (Transcript transcript : transcriptFiles.values()) {
            transcript.close();
        }
    }

    /** The length of a JSON-lines file up to the end of its last complete line. */
    static long completeLength(FileChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(4096);
        long end = ch.size();
        while (end > 0) {
            long from = Math.max(0, end - one.capacity());
            one.clear().limit((int) (end - from));
            while (one.hasRemaining() && ch.read(one, from + one.position()) >= 0) {
                // fill the window
            }
            for (int i = one.position() - 1; i >= 0; i--) {
                if (one.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    /** Replaces {@code file} with {@code bytes}: an owner-only temp file, forced, renamed over it. */
    private static void replace(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // a temp file an older khlone left has its old mode
        try (FileChannel ch = OwnerOnly.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, bytes);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp); // a full disk gets its space back
            throw e;
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
