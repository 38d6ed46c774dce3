package dev.khlone.protocol.brain;

import java.time.Instant;
import java.util.Optional;

/**
 * A brain's dialect, stateless: how to launch its CLI headless and as a TUI on a series, how to
 * talk to a dispatch process, and whether it can run here. One implementation per CLI, found by
 * the daemon with {@link java.util.ServiceLoader}. A dialect never sees a process or a PTY.
 */
public interface Brain {
    /** The name users write after {@code @}, e.g. {@code claude}. */
    String name();

    /** A conversation not begun yet: with an id if the CLI lets the supervisor choose it. */
    Series newSeries();

    /** Headless on pipes, with the permission set of {@code mode}. */
    LaunchSpec dispatch(Series series, TaskMode mode, Options options);

    /** The CLI's own TUI, in a PTY, resuming {@code series}. */
    LaunchSpec interact(Series series, Options options);

    /**
     * A fresh dialogue for one dispatch process on {@code series}, launched with {@code options}
     * (ACP's {@code session/new} and {@code session/load} name the working directory again). The
     * dialogue may hold back a request until an answer it needs has come (ACP's session id), and
     * send it then through {@link Dialogue.Sink#reply}; {@link Dialogue#encode} is empty then.
     */
    Dialogue dialogue(Series series, Options options);

    /**
     * The series a person's TUI session left the clone on, asked after every TUI session on a
     * series that had not started (only the CLI knows whether they typed a turn): {@code before}
     * itself once the CLI has stored it, or the conversation the TUI began for the working
     * directory since {@code talkStarted} when the CLI names its conversations itself; empty when
     * no turn was typed. The default finds nothing: the events are all there is to go by.
     */
    default Optional<Series> afterTalk(Series before, Options options, Instant talkStarted) {
        return Optional.empty();
    }

    /** Whether the CLI (and what it needs) is here; a clear message when not. */
    Preflight check(Options options);

    /** Where its CLI comes from and the version it is tested on, for {@code khlone doctor}; empty for a brain with no CLI. */
    default Optional<Installation> installation() {
        return Optional.empty();
    }
}
