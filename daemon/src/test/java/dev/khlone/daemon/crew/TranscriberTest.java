package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.store.TranscriptEntry.Kind;
import org.junit.jupiter.api.Test;

/** A brain's events as transcript entries, and the totals of a clone's turns. */
class TranscriberTest {
    @Test
    void textToolCallsAndToolResultsOfTheRunningTaskAreEntries() {
        assertThat(Transcriber.event(new BrainEvent.Text("hello"), "t-1", 7))
                .isEqualTo(new TranscriptEntry(7, "t-1", Kind.TEXT, "hello", null, false));
        assertThat(Transcriber.event(new BrainEvent.ToolUse("u1", "Bash", "{\"command\":\"ls\"}"), "t-1", 8))
                .isEqualTo(new TranscriptEntry(8, "t-1", Kind.TOOL, "{\"command\":\"ls\"}", "Bash", false));
        assertThat(Transcriber.event(new BrainEvent.ToolResult("u1", "no such file", true), "t-1", 9))
                .isEqualTo(new TranscriptEntry(9, "t-1", Kind.TOOL_RESULT, "no such file", null, true));
    }

    @Test
    void theSessionStartTheTurnsEndAndRawBytesAreNotEntriesOfTheirOwn() {
        assertThat(Transcriber.event(new BrainEvent.SessionStarted("s"), "t-1", 1)).isNull();
        assertThat(Transcriber.event(new BrainEvent.TurnCompleted("r", Usage.NONE, 0.0, 0, false), "t-1", 1)).isNull();
        assertThat(Transcriber.event(new BrainEvent.Failed("boom"), "t-1", 1)).isNull();
        assertThat(Transcriber.event(new BrainEvent.Raw(new byte[] {1}), "t-1", 1)).isNull();
    }

    @Test
    void eachResultAddsItsTurnToTheTotalsCacheTokensCountingAsInput() {
        Transcriber transcriber = new Transcriber();
        transcriber.restore(100, 10, 1.0);
        TranscriptEntry first = transcriber.result("t-1", new BrainEvent.TurnCompleted("ok", new Usage(1, 2, 3, 4), 0.25, 9, false), 20);
        assertThat(first).isEqualTo(new TranscriptEntry(20, "t-1", Kind.RESULT, "ok", null, false));
        TranscriptEntry second = transcriber.result("t-2", new BrainEvent.TurnCompleted("no", new Usage(5, 6, 0, 0), 0.5, 9, true), 21);
        assertThat(second.isError()).isTrue();
        assertThat(transcriber.inputTokens()).isEqualTo(100 + 1 + 3 + 4 + 5);
        assertThat(transcriber.outputTokens()).isEqualTo(10 + 2 + 6);
        assertThat(transcriber.costUsd()).isEqualTo(1.75);
    }

    @Test
    void promptsErrorsAndNotesSayWhatTheyAre() {
        assertThat(Transcriber.prompt("t-1", "do it", 1)).isEqualTo(new TranscriptEntry(1, "t-1", Kind.PROMPT, "do it", null, false));
        assertThat(Transcriber.error("t-1", "boom", 2)).isEqualTo(new TranscriptEntry(2, "t-1", Kind.ERROR, "boom", null, true));
        assertThat(Transcriber.note(null, "killed", 3)).isEqualTo(new TranscriptEntry(3, null, Kind.NOTE, "killed", null, false));
    }

    @Test
    void aCostNoTurnSaidStaysUnknownAndAnUnsaidOneAddsNothing() {
        Transcriber transcriber = new Transcriber();
        transcriber.result("t-1", new BrainEvent.TurnCompleted("ok", new Usage(1, 2, 0, 0), null, 9, false), 20);
        assertThat(transcriber.costUsd()).as("codex never says: unknown, not $0").isNull();
        transcriber.result("t-2", new BrainEvent.TurnCompleted("ok", new Usage(1, 2, 0, 0), 0.5, 9, false), 21);
        transcriber.result("t-3", new BrainEvent.TurnCompleted("ok", new Usage(1, 2, 0, 0), null, 9, false), 22);
        assertThat(transcriber.costUsd()).isEqualTo(0.5);
        assertThat(transcriber.inputTokens()).isEqualTo(3);
    }
}
