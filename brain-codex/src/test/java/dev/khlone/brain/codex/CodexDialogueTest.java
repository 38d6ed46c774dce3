package dev.khlone.brain.codex;

import dev.khlone.testkit.brains.Recording;
import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.BrainEvent.SessionStarted;
import dev.khlone.protocol.brain.BrainEvent.Text;
import dev.khlone.protocol.brain.BrainEvent.ToolResult;
import dev.khlone.protocol.brain.BrainEvent.ToolUse;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The exec JSONL dialogue against real codex 0.169.0 output (src/test/resources/transcripts). */
class CodexDialogueTest {
    @Test
    void aTurnNamesTheThreadSaysItsTextAndEndsWithItAndTheUsage() {
        Recording sink = Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-exec-turn1.jsonl");

        String text = "FAKE-REPLY #24: I saw 4 message(s); you said: turn one for resume test";
        assertThat(sink.meaningful()).containsExactly(
                new SessionStarted("01a1fd76-10f2-7af1-a434-00b0f63fecfa"),
                new Text(text),
                new TurnCompleted(text, new Usage(40, 17, 0, 0), null, 0, false));
        assertThat(sink.raw()).containsExactly("{\"type\":\"turn.started\"}");
    }

    @Test
    void aResumedThreadIsTheSameSeries() {
        assertThat(Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-exec-resume.jsonl").meaningful()).first()
                .isEqualTo(new SessionStarted("01a1fd76-10f2-7af1-a434-00b0f63fecfa"));
    }

    @Test
    void aShellCommandIsAToolUseWhenItStartsAndItsOutputWhenItEnds() {
        Recording sink = Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-tool.jsonl");

        assertThat(sink.meaningful()).containsExactly(
                new SessionStarted("01a1fd7d-c57e-7120-9552-6846d4789bc8"),
                new Text("FAKE-TOOL-CALL #11: running `echo hello-from-codex-tool`"),
                new ToolUse("item_1", "command_execution", "{\"command\":\"/bin/bash -lc 'echo hello-from-codex-tool'\"}"),
                new ToolResult("item_1", "hello-from-codex-tool\n", false),
                new Text("FAKE-TOOL-RESULT: Chunk ID: ce54b3 Wall time: 0.0000 seconds Process exited with code 0 Original t"),
                new TurnCompleted("FAKE-TOOL-RESULT: Chunk ID: ce54b3 Wall time: 0.0000 seconds Process exited with code 0 Original t",
                        new Usage(110, 38, 0, 0), null, 0, false));
    }

    @Test
    void aPatchIsAFileChangeAndACommandThatExitsNonZeroIsAnError() {
        Recording sink = Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-act-patch-and-fail.jsonl");

        assertThat(sink.meaningful()).containsSubsequence(
                new ToolUse("item_0", "file_change", "{\"changes\":[{\"path\":\"/tmp/probe/proj/patched.txt\",\"kind\":\"add\"}]}"),
                new ToolResult("item_0", "add /tmp/probe/proj/patched.txt", false),
                new ToolUse("item_1", "command_execution", "{\"command\":\"/bin/bash -lc 'cat patched.txt; exit 3'\"}"),
                new ToolResult("item_1", "made by apply_patch\n", true),
                new TurnCompleted("patched and looked", new Usage(300, 60, 0, 0), null, 0, false));
    }

    @Test
    void whatTheSandboxRefusedInAskLeavesNoToolEvents() {
        Recording sink = Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-ask-denied.jsonl");

        assertThat(sink.meaningful()).hasSize(3).last()
                .isEqualTo(new TurnCompleted("nothing written", new Usage(300, 60, 0, 0), null, 0, false));
    }

    @Test
    void anApiErrorEndsTheTurnWithTheApisMessageOnce() {
        Recording sink = Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-error401-json.jsonl");

        assertThat(sink.meaningful()).containsExactly(
                new SessionStarted("01a1fdc5-61e1-7a53-8e7a-fe3be5d418a7"),
                new TurnCompleted("unexpected status 401 Unauthorized: key revoked by the fake server, "
                        + "url: http://127.0.0.1:33973/v1/responses, request id: req_fake_0019", Usage.NONE, null, 0, true));
        assertThat(Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-error401.jsonl").meaningful()).last()
                .isEqualTo(new TurnCompleted("unexpected status 401 Unauthorized: fake injected 401, "
                        + "url: http://127.0.0.1:8765/v1/responses", Usage.NONE, null, 0, true));
        // A 500 is said in codex's own words.
        assertThat(Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-error500.jsonl").meaningful()).last()
                .isEqualTo(new TurnCompleted("We’re currently experiencing high demand, which may cause temporary errors.",
                        Usage.NONE, null, 0, true));
    }

    @Test
    void theDurationRunsFromTurnStartedToTheEndAndCachedInputIsToldApart() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        CodexDialogue dialogue = new CodexDialogue(now::get);
        Recording sink = new Recording();
        feed(dialogue, sink, "{\"type\":\"turn.started\"}\n");
        now.addAndGet(1_234_000_000L);
        feed(dialogue, sink, "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":100,\"cached_input_tokens\":30,"
                + "\"cache_write_input_tokens\":5,\"output_tokens\":7,\"reasoning_output_tokens\":2}}\n");

        assertThat(sink.meaningful()).containsExactly(new TurnCompleted("", new Usage(70, 7, 30, 5), null, 1234, false));
    }

    @Test
    void aChunkSplitAtAnyByteDecodesTheSame() {
        byte[] bytes = Recording.transcript("transcript-codex-act-patch-and-fail.jsonl");
        List<BrainEvent> whole = Recording.decode(new CodexDialogue(() -> 0), "transcript-codex-act-patch-and-fail.jsonl").meaningful();

        for (int at = 0; at <= bytes.length; at++) {
            Recording sink = new Recording();
            CodexDialogue dialogue = new CodexDialogue(() -> 0);
            dialogue.decode(bytes, 0, at, sink);
            dialogue.decode(bytes, at, bytes.length - at, sink);
            assertThat(sink.meaningful()).as("split at byte %d", at).isEqualTo(whole);
        }
        assertThat(whole).hasSize(7);
    }

    @Test
    void linesThatAreNotCodexsEventsAreKeptRawAsTheyWere() {
        Recording sink = new Recording();
        feed(new CodexDialogue(), sink, "Reading prompt from stdin...\n{\"type\":\"item.completed\",\"item\":"
                + "{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"hmm\"}}\n[1]\n\n");

        assertThat(sink.meaningful()).isEmpty();
        assertThat(sink.raw()).containsExactly("Reading prompt from stdin...",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"hmm\"}}", "[1]");
    }

    @Test
    void thePromptIsAllOfStdinExactlyAsWritten() {
        String text = "line one\nline \"two\"\t\u00e9\u4e2d\ud83d\ude00\n" + "x".repeat(12 * 1024);

        assertThat(new String(new CodexDialogue().encode(new Prompt(text), TaskMode.ASK), StandardCharsets.UTF_8))
                .isEqualTo(text);
        assertThat(new CodexDialogue().opening()).isEmpty();
    }

    private static void feed(CodexDialogue dialogue, Recording sink, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        dialogue.decode(bytes, 0, bytes.length, sink);
    }
}
