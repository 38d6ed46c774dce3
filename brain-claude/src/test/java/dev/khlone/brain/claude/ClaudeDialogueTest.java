package dev.khlone.brain.claude;

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
import dev.khlone.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream-json dialogue against real claude 2.1.328 output (src/test/resources/transcripts). */
class ClaudeDialogueTest {
    private static final String SESSION = "35e003f9-dddc-4af9-a61a-0a36b98a4da0";

    @Test
    void threeTurnsOnOneProcessGiveTheirTextsAndResultsInOrderEachWithItsOwnCost() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-streamjson-multiturn.jsonl");

        assertThat(sink.meaningful()).containsExactly(
                new SessionStarted(SESSION),
                new Text("FAKE-REPLY #7: I saw 2 message(s); you said: Hello, turn one"),
                new TurnCompleted("FAKE-REPLY #7: I saw 2 message(s); you said: Hello, turn one",
                        new Usage(20, 15, 0, 0), 0.00038, 159, false),
                new SessionStarted(SESSION),
                new Text("FAKE-REPLY #8: I saw 4 message(s); you said: turn two, remember turn one?"),
                new TurnCompleted("FAKE-REPLY #8: I saw 4 message(s); you said: turn two, remember turn one?",
                        new Usage(40, 18, 0, 0), 0.0005200000000000001, 37, false),
                new SessionStarted(SESSION),
                new Text("FAKE-REPLY #9: I saw 6 message(s); you said: turn three"),
                new TurnCompleted("FAKE-REPLY #9: I saw 6 message(s); you said: turn three",
                        new Usage(60, 13, 0, 0), 0.0005, 74, false));
        assertThat(sink.raw()).isEmpty();
        assertThat(sink.replies).isEmpty();
    }

    @Test
    void aChunkSplitAtAnyByteDecodesTheSame() {
        byte[] bytes = Recording.transcript("transcript-claude-tool-echo.jsonl");
        List<BrainEvent> whole = Recording.decode(new ClaudeDialogue(), "transcript-claude-tool-echo.jsonl").meaningful();

        for (int at = 0; at <= bytes.length; at++) {
            Recording sink = new Recording();
            ClaudeDialogue dialogue = new ClaudeDialogue();
            dialogue.decode(bytes, 0, at, sink);
            dialogue.decode(bytes, at, bytes.length - at, sink);
            assertThat(sink.meaningful()).as("split at byte %d", at).isEqualTo(whole);
        }
        assertThat(whole).hasSize(6);
    }

    @Test
    void aToolCallAndItsResultArePaired() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-tool-echo.jsonl");

        String id = "toolu_fake_2979fc1ebb5e455d";
        assertThat(sink.meaningful()).containsExactly(
                new SessionStarted("701719af-ac70-423e-b29e-ba0845f2b45c"),
                new Text("FAKE-TOOL-CALL #3: running `echo hello-from-tool`"),
                new ToolUse(id, "Bash", "{\"command\":\"echo hello-from-tool\",\"description\":\"fake tool call\"}"),
                new ToolResult(id, "hello-from-tool", false),
                new Text("FAKE-TOOL-RESULT: hello-from-tool"),
                new TurnCompleted("FAKE-TOOL-RESULT: hello-from-tool", new Usage(60, 20, 0, 0),
                        0.0006399999999999999, 153, false));
    }

    @Test
    void aDeniedToolIsAnErrorResultAndBackgroundTaskChatterStaysRaw() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-ask-denied-subagent.jsonl");

        List<BrainEvent> events = sink.meaningful();
        assertThat(events).contains(new ToolResult("toolu_fake_0007", "<tool_use_error>Error: No such tool available: "
                + "Write. Write is disabled for this session, in subagents as well as here.</tool_use_error>", true));
        // A result given as a list of text blocks is their text.
        assertThat(events).filteredOn(ToolResult.class::isInstance).map(ToolResult.class::cast)
                .filteredOn(r -> r.id().equals("toolu_fake_0008")).singleElement()
                .satisfies(r -> assertThat(r.output()).startsWith("Async agent launched successfully.").doesNotContain("\"type\""));
        assertThat(sink.raw()).hasSize(5).allSatisfy(line -> assertThat(Json.parseObject(line))
                .containsEntry("type", "system").doesNotContainEntry("subtype", "init"));
        // The subagent's report makes claude run a second turn of its own: two results for one prompt.
        assertThat(events).filteredOn(TurnCompleted.class::isInstance).hasSize(2);
    }

    @Test
    void anApiErrorEndsTheTurnWithTheApisMessageSaidOnce() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-error401.jsonl");

        assertThat(sink.meaningful()).containsExactly(
                new SessionStarted("6af8699f-6c6c-4292-bb66-6f278e0e4613"),
                new TurnCompleted("Failed to authenticate. API Error: 401 fake injected 401", Usage.NONE, 0.0, 85, true));
        // claude's made-up assistant message with the same words is not the model speaking.
        assertThat(sink.raw()).singleElement().satisfies(line -> assertThat(line).contains("\"is_api_error_message\":true"));
    }

    @Test
    void aServerErrorEndsTheTurnWithClaudesAdvice() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-error500.jsonl");

        assertThat(sink.meaningful()).last().isInstanceOfSatisfying(TurnCompleted.class, done -> {
            assertThat(done.isError()).isTrue();
            assertThat(done.result()).startsWith("API Error: 500 Internal server error. This is a server-side issue");
        });
    }

    @Test
    void anUnknownResumeIdEndsInAnErrorNamingIt() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-unknown-resume.jsonl");

        assertThat(sink.meaningful()).containsExactly(new TurnCompleted(
                "No conversation found with session ID: 00000000-0000-4000-8000-000000000000", Usage.NONE, 0.0, 0, true));
    }

    @Test
    void aResumedProcessConfirmsTheSeriesAndCountsOnlyItsOwnTurnsCostNotTheConversationsSoFar() {
        Recording sink = Recording.decode(new ClaudeDialogue(), "transcript-claude-resume.jsonl");

        assertThat(sink.meaningful()).first().isEqualTo(new SessionStarted(SESSION));
        assertThat(sink.meaningful()).last().isEqualTo(new TurnCompleted(
                "FAKE-REPLY #11: I saw 8 message(s); you said: fourth turn via fresh process resume",
                new Usage(80, 20, 0, 0), 0.00072, 154, false));
    }

    @Test
    void cacheTokensAreToldApartAndAnErrorWithNoWordsSaysWhichLimitEndedIt() {
        String line = "{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true,\"duration_ms\":7,"
                + "\"total_cost_usd\":1.5,\"usage\":{\"input_tokens\":1,\"output_tokens\":2,"
                + "\"cache_read_input_tokens\":3,\"cache_creation_input_tokens\":4}}\n";
        Recording sink = decode(line);

        assertThat(sink.meaningful()).containsExactly(new TurnCompleted(
                "claude ended the turn with error_max_turns", new Usage(1, 2, 3, 4), 1.5, 7, true));
    }

    @Test
    void linesThatAreNotClaudesJsonAreKeptRawAsTheyWere() {
        Recording sink = decode("warning: something odd\n{\"type\":\"stream_event\",\"event\":{}}\n[1,2]\n\n");

        assertThat(sink.meaningful()).isEmpty();
        assertThat(sink.raw()).containsExactly("warning: something odd", "{\"type\":\"stream_event\",\"event\":{}}", "[1,2]");
    }

    @Test
    void aPromptIsOneUserLineThatCarriesAnyTextExactly() {
        String text = "line one\nline \"two\"\ttab \\ back \u00e9\u4e2d\ud83d\ude00 \u2028 end "
                + "x".repeat(12 * 1024);
        byte[] bytes = new ClaudeDialogue().encode(new Prompt(text), TaskMode.ACT);

        String line = new String(bytes, StandardCharsets.UTF_8);
        assertThat(line).endsWith("}\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r");
        assertThat(Json.parseObject(line)).isEqualTo(Map.of("type", "user", "message", Map.of("role", "user",
                "content", List.of(Map.of("type", "text", "text", text)))));
        assertThat(new String(new ClaudeDialogue().encode(new Prompt("hi"), TaskMode.ASK), StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}\n");
    }

    private static Recording decode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Recording sink = new Recording();
        new ClaudeDialogue().decode(bytes, 0, bytes.length, sink);
        return sink;
    }
}
