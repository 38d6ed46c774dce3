package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.CloneInfo.State;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What others learn of a clone: the snapshot they read ({@link #info}, {@link #record}, the
 * running task's id for the brain's reader thread) and the news its changes tell (task records,
 * transcript entries, messages to a talker). The owner thread notes the news as it changes the
 * clone; {@link #settle} publishes the snapshot, then tells the news in the order it happened,
 * then has the crew file saved if the one saved would no longer restore the clone as it is
 * ({@link #restoresAlike}): whoever hears of a change and looks sees the state it led to.
 */
final class Bulletin {
    private static final Logger LOG = Logger.getLogger(Bulletin.class.getName());

    private final String slug;
    private final String role;
    private final int index;
    private final ZoneConfig.Profile profile;
    private final BrainHandle handle;
    private final Clone.Owner owner;
    /** Owned by the owner thread. */
    private final List<Runnable> news = new ArrayList<>();
    /** Owned by the owner thread: the crew file, as last saved, no longer restores the clone as it is. */
    private boolean crewUnsaved;

    private volatile CloneInfo info;
    private volatile CloneRecord record;
    private volatile String currentTask;
    /** What the brain said last, set by its reader thread; its line is published by the next settle. */
    private volatile Said said;
    /** The line of {@link #saidPublished}, found once (owner thread): a clone's snapshot is published after every job. */
    private Said saidPublished;
    private String saidLine;

    Bulletin(String slug, String role, int index, ZoneConfig.Profile profile, BrainHandle handle, Clone.Owner owner) {
        this.slug = slug;
        this.role = role;
        this.index = index;
        this.profile = profile;
        this.handle = handle;
        this.owner = owner;
    }

    CloneInfo info() {
        return info;
    }

    CloneRecord record() {
        return record;
    }

    /** The running task's id as last published, or null. */
    String currentTask() {
        return currentTask;
    }

    /** The brain said {@code said} (its reader thread): the next settle publishes its line. */
    void said(Said said) {
        this.said = said;
    }

    /**
     * A line the brain said, or a text whose last line it is: found when published, not on the
     * reader thread for every text (a flood of output is thousands of texts between two settles).
     */
    record Said(String text, boolean last) {
        /** A non-blank text, whose last non-blank line is said. */
        static Said lastLineOf(String text) {
            return new Said(text, true);
        }

        static Said line(String line) {
            return new Said(line, false);
        }

        String line() {
            return last ? CloneInfo.lastLine(text) : text;
        }
    }

    /** {@code task} changed: the crew journals it and tells its awaiters. */
    void journal(TaskInfo task) {
        news.add(() -> {
            try {
                owner.taskChanged(task);
            } catch (IOException e) {
                LOG.log(Level.SEVERE, slug + ": cannot journal " + task.id(), e);
            }
        });
    }

    void transcript(TranscriptEntry entry) {
        news.add(() -> owner.transcript(slug, entry));
    }

    void note(String task, String text) {
        transcript(Transcriber.note(task, text, System.currentTimeMillis()));
    }

    /** Something else to tell, a message to a client. */
    void tell(Runnable message) {
        news.add(message);
    }

    /**
     * Publishes the clone as it is now, then tells the news, then has the crew file saved if the
     * one saved would no longer restore the clone as it is; a clone that turned failed tells the
     * crew which tasks now wait.
     */
    void settle(State state, String failure, TaskQueue queue, Transcriber totals) {
        settle(state, failure, queue, totals, true);
    }

    /**
     * {@link #settle}, but with {@code saveCrew} false the crew file's save waits for the next
     * settle (the owner thread's after the job): a brain about to hear its prompt waits for the
     * journal only, which is what a crash relies on; the crew file's record is a hint beside it.
     */
    void settle(State state, String failure, TaskQueue queue, Transcriber totals, boolean saveCrew) {
        CloneRecord before = record;
        CloneInfo shown = info;
        boolean failedBefore = info.state() == State.FAILED;
        publish(state, failure, queue, totals);
        List<Runnable> told = List.copyOf(news);
        news.clear();
        told.forEach(Runnable::run);
        if (!info.equals(shown)) {
            owner.cloneChanged(info);
        }
        crewUnsaved |= !restoresAlike(before, record, queue.work());
        if (saveCrew && crewUnsaved) {
            crewUnsaved = !owner.crewChanged();
        }
        if (state == State.FAILED && !failedBefore) {
            owner.cloneFailed(slug, failure, queue.waitingIds());
        }
    }

    /**
     * Whether a crew file that restores the clone as it was ({@code before}) restores it as it is
     * ({@code after}, whose work is {@code work}) too, so that the change needs no save: only its work changed, by
     * tasks that ended (the journal says so, and a restore skips them) and new ones at its end, each
     * newer than all before it (a restore puts the journal's unfinished tasks that the file lacks
     * after the file's, oldest first). A task that starts and ends in its turn saves nothing.
     */
    private static boolean restoresAlike(CloneRecord before, CloneRecord after, List<TaskInfo> work) {
        if (!before.sameApartFromWork(after)) {
            return false;
        }
        List<String> ids = after.work();
        List<String> kept = before.work().stream().filter(ids::contains).toList();
        if (!ids.subList(0, kept.size()).equals(kept)) {
            return false;
        }
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < work.size(); i++) {
            long created = work.get(i).createdMs();
            if (i >= kept.size() && created <= newest) {
                return false;
            }
            newest = Math.max(newest, created);
        }
        return true;
    }

    private String saidLine() {
        Said now = said;
        if (now != saidPublished) {
            saidLine = now == null ? null : now.line();
            saidPublished = now;
        }
        return saidLine;
    }

    /** Publishes the clone as it is now, telling nobody. */
    void publish(State state, String failure, TaskQueue queue, Transcriber totals) {
        List<String> ids = queue.waitingIds();
        TaskInfo running = queue.running();
        currentTask = running == null ? null : running.id();
        long pid = handle.pid().orElse(0);
        info = new CloneInfo(slug, profile.brain(), state, currentTask, running == null ? 0 : running.startedMs(), ids,
                totals.inputTokens(), totals.outputTokens(), totals.costUsd(), handle.series().id(), pid, failure,
                handle.perTask() ? CloneInfo.SINGLE_SHOT : CloneInfo.PERSISTENT,
                running == null ? null : CloneInfo.firstLine(running.prompt()), saidLine());
        record = new CloneRecord(slug, role, index, profile.brain(), profile.name(), handle.series().id(),
                handle.series().started(), currentTask, ids, failure, pid, pid == 0 ? 0 : handle.startMs(pid),
                handle.talkSince().map(Instant::toEpochMilli).orElse(0L));
    }
}
