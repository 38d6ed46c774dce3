package dev.khlone.daemon.trigger;

import dev.khlone.daemon.crew.CrewException;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Turns a trigger's firings into tasks, on the {@link Triggers} scheduler thread: a firing is
 * skipped while the trigger's last task is queued or running (unless it queues) or the zone's
 * budget for the day is spent; else it is written to {@link Firings} (forced), submitted, and its
 * task's id written after, so that a firing a killed daemon left is finished by the next one
 * ({@link #finish}) and never runs twice. It also tells a watch trigger's own task's writes from
 * a person's.
 */
final class Starter {
    private static final Logger LOG = Logger.getLogger(Starter.class.getName());
    /** A file gone this soon after a trigger's task ended was the task's own doing. */
    static final Duration OWN_WRITES = Duration.ofSeconds(1);

    private final Path root;
    private final Clock clock;
    private final Triggers.Target target;
    private final Firings firings;

    Starter(Path root, Clock clock, Triggers.Target target, Firings firings) {
        this.root = root;
        this.clock = clock;
        this.target = target;
        this.firings = firings;
    }

    /** The last task the trigger {@code name} started, as the crew has it now. */
    Optional<TaskInfo> lastTask(String name) {
        String id = firings.get(name).lastTask();
        return id == null ? Optional.empty() : target.task(id);
    }

    /**
     * Whether a change of {@code file} seen at {@code seenMs} is a write of this trigger's own task:
     * seen while the task is queued or running, or of a file last modified before the task ended
     * (the watch may hear of the task's last writes after the crew heard of its end; a person's
     * change after it is newer). A file gone since counts by when it was seen, within {@link #OWN_WRITES}.
     */
    boolean ownWrite(Armed a, String file, long seenMs) {
        Optional<TaskInfo> task = lastTask(a.entry.name());
        if (task.isEmpty()) {
            return false;
        }
        TaskInfo t = task.get();
        if (!t.status().ended()) {
            return true;
        }
        try {
            long modifiedMs = Files.getLastModifiedTime(root.resolve(file)).toMillis();
            return modifiedMs >= t.createdMs() && modifiedMs <= t.endedMs();
        } catch (IOException e) {
            return seenMs - t.endedMs() < OWN_WRITES.toMillis();
        }
    }

    /**
     * A firing the last daemon wrote down but may not have submitted: if the journal has a task of
     * this trigger newer than its last known one, that is the firing's task; else it is submitted now.
     */
    void finish(Armed a, Firings.Record record) {
        String name = a.entry.name();
        Optional<TaskInfo> newest = target.newest(name);
        if (newest.isPresent() && !newest.get().id().equals(record.lastTask())) {
            LOG.info("trigger " + name + ": its firing of " + Instant.ofEpochMilli(record.pending().atMs()) + " started "
                    + newest.get().id() + " before the daemon stopped");
            try {
                firings.put(name, new Firings.Record(record.armedMs(), record.lastMs(), newest.get().id(), null,
                        record.skipped()));
            } catch (IOException e) {
                LOG.warning("cannot record trigger " + name + "'s task (" + e.getMessage() + ")");
            }
        } else {
            LOG.info("trigger " + name + ": its firing of " + Instant.ofEpochMilli(record.pending().atMs())
                    + " had not started its task when the daemon stopped; starting it now");
            submit(a, record.pending());
        }
    }

    /**
     * A firing: skipped (and counted) while the trigger's previous task is queued or running, unless
     * it queues, and while the zone's budget for the day is spent (its task could only fail).
     */
    void fire(Armed a, Firings.Firing firing) {
        Optional<TaskInfo> previous = lastTask(a.entry.name());
        if (!a.entry.spec().queueOverlap() && previous.isPresent() && !previous.get().status().ended()) {
            skipped(a);
            LOG.info("trigger " + a.entry.name() + ": skipped a firing, " + previous.get().id() + " is still "
                    + previous.get().status().wire());
            return;
        }
        Double left = target.dayBudgetLeft(clock.millis());
        if (left != null && left <= 0) {
            skipped(a);
            a.refused = new CrewException(ErrorCode.BAD_REQUEST, "the zone's budget for today is spent",
                    "raise budget.day in khlone.yml, or wait for midnight");
            LOG.info("trigger " + a.entry.name() + ": skipped a firing, the zone's budget for today is spent");
            return;
        }
        submit(a, firing);
    }

    /** Counts a firing let go, in triggers.json: {@code khlone triggers} shows the count across daemons. */
    private void skipped(Armed a) {
        String name = a.entry.name();
        try {
            firings.put(name, firings.get(name).skippedOnce());
        } catch (IOException e) {
            LOG.warning("trigger " + name + ": cannot count a skipped firing (" + e.getMessage() + ")");
        }
    }

    /** Writes the firing down, submits its task, writes the task's id down; null when the crew refused it. */
    TaskInfo submit(Armed a, Firings.Firing firing) {
        TriggerSpec spec = a.entry.spec();
        Firings.Record before = firings.get(spec.name());
        try {
            firings.put(spec.name(), new Firings.Record(before.armedMs(), firing.atMs(), before.lastTask(), firing,
                    before.skipped()));
        } catch (IOException e) {
            a.refused = new CrewException(ErrorCode.STATE_UNWRITABLE, "cannot record the firing of trigger " + spec.name()
                    + " (" + e.getMessage() + "); not started, so that it cannot run twice", "free space on the disk of " + root);
            LOG.warning(a.refused.getMessage());
            return null;
        }
        TaskInfo task = null;
        try {
            task = target.submit(spec.mode(), prompt(spec.template(), firing), spec.who(), spec.name());
            a.refused = null;
            LOG.info("trigger " + spec.name() + " started " + task.id());
        } catch (CrewException e) {
            a.refused = e;
            LOG.warning("trigger " + spec.name() + ": the crew refused its task: " + e.getMessage());
        }
        try {
            firings.put(spec.name(), new Firings.Record(before.armedMs(), firing.atMs(),
                    task != null ? task.id() : before.lastTask(), null, before.skipped()));
        } catch (IOException e) {
            LOG.warning("trigger " + spec.name() + ": cannot record its task (" + e.getMessage() + "); the next daemon finds it");
        }
        return task;
    }

    /** The template with {@code {files}} replaced by the firing's files, one space between, and how many more. */
    static String prompt(String template, Firings.Firing firing) {
        return template.replace("{files}", String.join(" ", firing.files())
                + (firing.more() > 0 ? " (and " + firing.more() + " more)" : ""));
    }
}
