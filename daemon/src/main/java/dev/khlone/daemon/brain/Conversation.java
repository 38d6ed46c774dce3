package dev.khlone.daemon.brain;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Series;
import java.time.Instant;
import java.util.Optional;

/**
 * Which conversation a clone's brain is on: the series the events name, and the TUI session that
 * may have begun it where no event shows (a person typed a first turn; only the CLI can tell, by
 * {@link Brain#afterTalk}). Guarded by its handle's lock; the brain is asked with no lock held,
 * between {@link #unsettledAtBoot}/{@link #unsettledOnLeaving} and {@link #settle}.
 */
final class Conversation {
    /**
     * A TUI session: the series it was launched on (a dispatch process stopped for it may still
     * report the session it had opened, too late for the TUI) and when.
     */
    record Talk(Series on, Instant started) {}

    private Series series;
    /** The latest TUI session: what it began since it started is its own. */
    private Talk talk;

    Conversation(Series series) {
        this.series = series;
    }

    Series series() {
        return series;
    }

    /** The brain named the conversation it is on. */
    void started(String id) {
        series = Series.started(id);
    }

    /** When the TUI session now running began, if it runs on a series not begun yet. */
    Optional<Instant> talkSince(Mode mode) {
        return mode == Mode.INTERACTIVE && talk != null && !talk.on().started() ? Optional.of(talk.started())
                : Optional.empty();
    }

    /** From now on the conversation is {@code fresh}, a series not begun; the one before is left as it is. */
    void begin(Series fresh) {
        series = fresh;
        talk = null;
    }

    /** A talk on this (unbegun) series began at {@code since} under a daemon that died. */
    void talkedSince(Instant since) {
        talk = new Talk(series, since);
    }

    /**
     * At the first boot, the talk to ask the brain about, if any: a daemon stopped or killed during
     * a talk kept the series as the talk found it, but its TUI may have begun it since: a chosen id
     * (claude's) can be asked after; a conversation the CLI named itself (codex, opencode) is found
     * by when the talk began, which the crew file kept.
     */
    Talk unsettledAtBoot() {
        return !series.started() && (series.id() != null || talk != null)
                ? new Talk(series, talk == null ? Instant.now() : talk.started()) : null;
    }

    /** Leaving {@code mode}: the TUI session to ask the brain about, if it ran on a series not begun. */
    Talk unsettledOnLeaving(Mode mode) {
        return mode == Mode.INTERACTIVE && !talk.on().started() ? talk : null;
    }

    /** What the brain said the TUI session began, if anything. */
    void settle(Optional<Series> begun) {
        begun.ifPresent(s -> series = s);
    }

    /** A TUI session begins now, on the series as it is. */
    void talkBegins() {
        talk = new Talk(series, Instant.now());
    }
}
