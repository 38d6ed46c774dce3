package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.server.Client;
import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.daemon.watch.Audience;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One agent of the crew: it owns its brain handle and runs one task at a time. Its state and the
 * moves between them are its {@link CloneMachine}, which runs only on its {@link OwnerThread};
 * this class is what the crew and the brain's threads hold: each request becomes a job there
 * (the handle's reader and exit threads only post to it), and what others read is the snapshot
 * its {@link Bulletin} publishes after each change.
 */
final class Clone {
    /** What the crew does with a clone's changes: journal tasks, save the crew file, tell awaiters. */
    interface Owner {
        void taskChanged(TaskInfo task) throws IOException;

        /** A new task that starts at once: its first record, written but not forced, so that its brain need not wait for the disk. */
        void taskBegun(TaskInfo task) throws IOException;

        /** Forces what {@link #taskBegun} wrote: before the task's submitter hears of it. */
        void forceJournal() throws IOException;

        /** Saves the crew file; false if it could not be written (it is then tried again with the clone's next change). */
        boolean crewChanged();

        void transcript(String slug, TranscriptEntry entry);

        /**
         * {@link #transcript} of an entry the brain's reader heard: its line may wait on the disk for
         * the rest of the chunk it came in ({@link #heardAll}), or for the next line written.
         */
        void heard(String slug, TranscriptEntry entry);

        /** The entries of one chunk of the brain's output have all been heard: they are written now. */
        void heardAll(String slug);

        /** What {@code status} shows of the clone changed: {@code info} is it now (for followers of the crew). */
        void cloneChanged(CloneInfo info);

        /** The clone failed; {@code waiting} are the tasks left in its queue, which wait for a reboot. */
        void cloneFailed(String slug, String failure, List<String> waiting);

        /** What the zone may still spend today (khlone.yml {@code budget.day} less what its tasks cost since midnight); null without a cap. */
        Double dayLeft(long nowMs);
    }

    final String slug;
    final String role;
    final int index;
    final ZoneConfig.Profile profile;
    private final BrainHandle handle;
    private final Owner owner;
    private final Audience audience;
    private final Bulletin bulletin;
    private final OwnerThread thread;
    private final CloneMachine machine;
    /** A job is posted that will publish what the brain said last. */
    private final AtomicBoolean saidPending = new AtomicBoolean();

    Clone(String slug, String role, int index, ZoneConfig.Profile profile, BrainHandle handle, Owner owner,
          ScheduledExecutorService timers, Duration turnTimeout) {
        this.slug = slug;
        this.role = role;
        this.index = index;
        this.profile = profile;
        this.handle = handle;
        this.owner = owner;
        this.audience = new Audience(slug);
        this.bulletin = new Bulletin(slug, role, index, profile, handle, owner);
        this.machine = new CloneMachine(slug, profile.brain(), handle, owner, bulletin, audience, timers, turnTimeout);
        this.thread = machine.thread();
        handle.onEvent(this::transcribe);
        handle.onDecoded(() -> owner.heardAll(slug));
        handle.onData((bytes, offset, length) -> {
            machine.heard();
            audience.bytes(bytes, offset, length);
        });
        handle.onExit((pid, code, expected) -> {
            if (!expected) {
                thread.post(() -> machine.exited(code));
            }
        });
    }

    String brain() {
        return profile.brain();
    }

    CloneInfo info() {
        return bulletin.info();
    }

    CloneRecord record() {
        return bulletin.record();
    }

    /** Work found in the state dir: what ran when the daemon stopped goes first, then the queue. */
    void restore(List<TaskInfo> tasks, long input, long output, Double cost, String failedBefore) {
        thread.call(() -> {
            machine.restore(tasks, input, output, cost, failedBefore);
            return null;
        }).join();
    }

    /** Before it boots: the daemon died while a person talked to it, since {@code since}, on a series not begun. */
    void talkedSince(Instant since) {
        handle.talkedSince(since);
    }

    /** Starts the brain (unless the clone was failed) and the queue. */
    CompletableFuture<Void> boot() {
        return thread.call(() -> {
            machine.boot();
            return null;
        });
    }

    CompletableFuture<TaskInfo> submit(TaskInfo task, Placement placement) {
        return thread.call(() -> machine.submit(task, placement));
    }

    /** Cancels a queued or running task of this clone; null if it has no such task. */
    CompletableFuture<TaskInfo> cancel(String taskId) {
        return thread.call(() -> machine.cancel(taskId));
    }

    /** Ends the brain; what was running and queued is cancelled. The clone is done after this. */
    CompletableFuture<Void> kill() {
        return thread.call(() -> {
            machine.kill();
            thread.close();
            return null;
        });
    }

    /**
     * A fresh brain on the same series, or with {@code fresh} on a new one; revives a failed clone.
     * What was running runs again.
     */
    CompletableFuture<Void> reboot(boolean fresh) {
        return thread.call(() -> {
            machine.reboot(fresh);
            return null;
        });
    }

    Audience audience() {
        return audience;
    }

    /** Shows this clone to {@code client}: its recent history or screen, then what it does. */
    void watch(Client client, String re, boolean raw) {
        audience.watch(client, re, raw);
    }

    /**
     * Attaches {@code client} to the clone's TUI: the queue pauses; a running task is waited for
     * (or, {@code now}, interrupted and put back first); the brain reboots interactive on its
     * series. {@link dev.khlone.protocol.wire.Talking} tells the client when it is attached.
     */
    CompletableFuture<Void> talk(Client client, String re, int cols, int rows, boolean now) {
        return thread.call(() -> {
            machine.talk(client, re, cols, rows, now);
            return null;
        });
    }

    /** Keystrokes from the talker; straight to the TUI, not through the owner thread. */
    void input(Client client, byte[] data) {
        if (machine.takesKeysFrom(client)) {
            handle.write(data);
        }
    }

    /** The latest talker's terminal size is the size the brain sees. */
    void resize(int cols, int rows) {
        handle.resize(cols, rows);
        audience.resize(cols, rows);
    }

    void detach(Client client) {
        thread.post(() -> machine.detach(client));
    }

    /** Stops the brain without a word, for a daemon shutting down: the journal keeps the work for the next one. */
    void shutdown() {
        thread.stop();
        handle.kill();
        thread.awaitStopped(Duration.ofSeconds(10));
    }

    /** Events of the running turn go to the transcript; called on the brain's reader thread. */
    private void transcribe(BrainEvent event) {
        if (event instanceof BrainEvent.SessionStarted) {
            thread.post(() -> { }); // settling after it publishes the series the brain named, and saves the crew file
            return;
        }
        TranscriptEntry entry = Transcriber.event(event, bulletin.currentTask(), System.currentTimeMillis());
        if (entry != null) {
            owner.heard(slug, entry);
            Bulletin.Said said = switch (entry.kind()) {
                // isBlank stops at the first letter: the last line is found when it is published
                case TEXT -> entry.text() == null || entry.text().isBlank() ? null : Bulletin.Said.lastLineOf(entry.text());
                case TOOL -> {
                    String line = CloneInfo.firstLine(entry.tool() + " " + Objects.requireNonNullElse(CloneInfo.firstLine(entry.text()), ""));
                    yield line == null ? null : Bulletin.Said.line(line);
                }
                default -> null;
            };
            if (said != null) {
                bulletin.said(said);
                // Its settle publishes the line to the crew's followers; one job waits at most, however fast the brain talks.
                if (saidPending.compareAndSet(false, true)) {
                    thread.post(() -> saidPending.set(false));
                }
            }
        }
    }
}
