package dev.khlone.daemon.crew;

import dev.khlone.daemon.notify.Event;
import dev.khlone.daemon.notify.Notifier;
import dev.khlone.daemon.store.Store;
import dev.khlone.daemon.watch.Followers;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.logging.Logger;

/**
 * What the crew does with its clones' changes, on the clones' threads: task records to the
 * {@link TaskBook} (and its journal), the crew file, transcript entries to disk and to the clone's
 * audience, a clone's new status to the {@link Followers}, and the events khlone.yml's notify hook
 * hears. Nothing once closed: what clones still report then is an interruption the next daemon
 * undoes, not a change to record.
 */
final class Changes implements Clone.Owner {
    private static final Logger LOG = Logger.getLogger(Changes.class.getName());

    private final Zone zone;
    private final Store store;
    private final TaskBook book;
    private final ConfigFile config;
    private final Followers followers;
    private final Notifier notifier;
    /** Set once, right after the roster that reports to this is made. */
    private Roster roster;
    private volatile boolean closed;

    Changes(Zone zone, Store store, TaskBook book, ConfigFile config, Followers followers) {
        this.zone = zone;
        this.store = store;
        this.book = book;
        this.config = config;
        this.followers = followers;
        this.notifier = new Notifier(zone.root());
    }

    void attach(Roster roster) {
        this.roster = roster;
    }

    /** From now on nothing is recorded; the notify hooks still waiting are dropped. */
    void close() {
        closed = true;
        notifier.close();
    }

    /** The hero's slug, once it has been enrolled (null also while khlone.yml is invalid). */
    String hero() {
        try {
            return roster.hero(config.current().heroRole());
        } catch (ZoneConfig.Invalid e) {
            return null;
        }
    }

    /**
     * What is left today (from local midnight) of khlone.yml's {@code budget.day}, in dollars;
     * null when there is no such cap (or the file cannot be read: a running zone keeps to the caps
     * it can read, and whoever submits is told what is wrong with the file).
     */
    @Override
    public Double dayLeft(long nowMs) {
        Double day;
        try {
            day = config.current().budget().day();
        } catch (ZoneConfig.Invalid badFile) {
            return null;
        }
        if (day == null) {
            return null;
        }
        long midnight = LocalDate.ofInstant(Instant.ofEpochMilli(nowMs), ZoneId.systemDefault())
                .atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
        return day - book.spentSince(midnight);
    }

    @Override
    public void taskChanged(TaskInfo task) throws IOException {
        if (!closed) {
            boolean queueEmpty = book.taskChanged(task);
            if (task.status() == TaskInfo.Status.DONE || task.status() == TaskInfo.Status.FAILED) {
                fire(new Event(task.status() == TaskInfo.Status.DONE ? Event.Kind.TASK_DONE : Event.Kind.TASK_FAILED,
                        zone.id(), task.cloneSlug(), task.id(), task.status().wire(),
                        task.result() != null ? task.result() : task.error(), task.costUsd(), task.trigger()));
            }
            if (queueEmpty) {
                fire(new Event(Event.Kind.QUEUE_EMPTY, zone.id(), task.cloneSlug(), task.id(), null, null, null, task.trigger()));
            }
        }
    }

    @Override
    public void taskBegun(TaskInfo task) throws IOException {
        if (!closed) {
            book.taskBegun(task);
        }
    }

    @Override
    public void forceJournal() throws IOException {
        store.force();
    }

    @Override
    public void cloneChanged(CloneInfo info) {
        if (!closed) {
            followers.changed(info);
        }
    }

    @Override
    public void cloneFailed(String slug, String failure, List<String> waiting) {
        if (!closed) {
            fire(new Event(Event.Kind.CLONE_FAILED, zone.id(), slug, null, "failed", failure, null));
            book.cloneFailed(slug, failure, waiting);
        }
    }

    @Override
    public boolean crewChanged() {
        return saveCrew();
    }

    @Override
    public void transcript(String slug, TranscriptEntry entry) {
        transcript(slug, entry, false);
    }

    @Override
    public void heard(String slug, TranscriptEntry entry) {
        transcript(slug, entry, true);
    }

    private void transcript(String slug, TranscriptEntry entry, boolean held) {
        if (closed) {
            return;
        }
        byte[] line = store.transcript(slug, entry, held);
        Clone clone = roster.get(slug);
        if (clone != null) {
            clone.audience().entry(line, held);
        }
    }

    @Override
    public void heardAll(String slug) {
        store.transcriptHeard(slug);
        Clone clone = roster.get(slug);
        if (clone != null) {
            clone.audience().heard();
        }
    }

    /** Saves the crew file; false if it could not be written. */
    boolean saveCrew() {
        if (closed) {
            return true;
        }
        Roster.Saved saved = roster.saved();
        try {
            store.saveCrew(hero(), saved.indexes(), saved.clones());
            return true;
        } catch (IOException e) {
            if (!closed) { // a save cut short by shutdown leaves the previous file, which is what the next daemon wants
                // One line, not a trace: on a full disk this recurs with every change until there is room.
                LOG.severe("cannot save the crew file (" + e + "); the next change of the crew tries again,"
                        + " and the journal rebuilds what it lacks");
            }
            return false;
        }
    }

    /** Runs khlone.yml's notify hook for {@code event}, if there is one, on the notify thread. */
    private void fire(Event event) {
        notifier.fire(() -> {
            try {
                return config.current().hook();
            } catch (ZoneConfig.Invalid e) {
                return null; // said to every request until it is fixed
            }
        }, event);
    }
}
