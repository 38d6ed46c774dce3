package dev.khlone.daemon.trigger;

import dev.khlone.daemon.crew.CrewException;
import java.time.Instant;
import java.util.TreeSet;

/**
 * A trigger as it runs: its spec (null for a bad entry), and what this daemon has seen of it.
 * The {@link Triggers} scheduler thread's only.
 */
final class Armed {
    final TriggerSpec.Entry entry;
    /** Cron: the time up to which firings have been taken or let go. */
    Instant considered;
    /** Watch: the files changed in the burst under way, and when the last change was seen. */
    final TreeSet<String> files = new TreeSet<>();
    Instant lastChange;
    /** Why its last firing started no task (the crew refused it), or null. */
    CrewException refused;

    Armed(TriggerSpec.Entry entry) {
        this.entry = entry;
    }
}

