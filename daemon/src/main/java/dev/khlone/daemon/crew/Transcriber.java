package dev.khlone.daemon.crew;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.store.TranscriptEntry.Kind;
import dev.khlone.protocol.wire.TaskInfo;

/**
 * What a clone's transcript says: the brain's events of the running turn, prompts, results,
 * errors and notes; and the tokens and cost all its turns used. The entries are pure (the event
 * entries are made on the brain's reader thread); the totals belong to the clone's owner thread.
 */
final class Transcriber {
    private long inputTokens;
    private long outputTokens;
    /** Null while no turn has said what it cost. */
    private Double costUsd;

    /**
     * The entry for an event of the running task {@code task}, or null for an event the
     * transcript does not show as such (the turn's end is its result; the session's start).
     */
    static TranscriptEntry event(BrainEvent event, String task, long nowMs) {
        if (event instanceof BrainEvent.Text text) {
            return new TranscriptEntry(nowMs, task, Kind.TEXT, text.text(), null, false);
        } else if (event instanceof BrainEvent.ToolUse use) {
            return new TranscriptEntry(nowMs, task, Kind.TOOL, use.input(), use.name(), false);
        } else if (event instanceof BrainEvent.ToolResult result) {
            return new TranscriptEntry(nowMs, task, Kind.TOOL_RESULT, result.output(), null, result.isError());
        }
        return null;
    }

    static TranscriptEntry prompt(String task, String text, long nowMs) {
        return new TranscriptEntry(nowMs, task, Kind.PROMPT, text, null, false);
    }

    static TranscriptEntry error(String task, String text, long nowMs) {
        return new TranscriptEntry(nowMs, task, Kind.ERROR, text, null, true);
    }

    static TranscriptEntry note(String task, String text, long nowMs) {
        return new TranscriptEntry(nowMs, task, Kind.NOTE, text, null, false);
    }

    /** The result of {@code task}'s completed turn; what the turn used joins the totals. */
    TranscriptEntry result(String task, TurnCompleted done, long nowMs) {
        inputTokens += done.usage().inputTokens() + done.usage().cacheReadTokens() + done.usage().cacheWriteTokens();
        outputTokens += done.usage().outputTokens();
        costUsd = TaskInfo.plus(costUsd, done.costUsd());
        return new TranscriptEntry(nowMs, task, Kind.RESULT, done.result(), null, done.isError());
    }

    /** The totals of the turns before the daemon started. */
    void restore(long input, long output, Double cost) {
        inputTokens = input;
        outputTokens = output;
        costUsd = cost;
    }

    /** Input tokens, cache reads and writes included. */
    long inputTokens() {
        return inputTokens;
    }

    long outputTokens() {
        return outputTokens;
    }

    Double costUsd() {
        return costUsd;
    }
}
