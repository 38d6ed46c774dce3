package dev.khlone.brain.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.BrainEvent.Failed;
import dev.khlone.protocol.brain.BrainEvent.SessionStarted;
import dev.khlone.protocol.brain.BrainEvent.Text;
import dev.khlone.protocol.brain.BrainEvent.ToolResult;
import dev.khlone.protocol.brain.BrainEvent.ToolUse;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcpDialogueTest {
    private static final String SESSION = "ses_e0231e6eeffecLJNxus5kdvL3J";
    private static final AcpDialogue.Modes MODES = new AcpDialogue.Modes(OpencodeBrain.ASK_AGENT, OpencodeBrain.ACT_AGENT);

    private static AcpDialogue dialogue(Series series, String cwd) {
        return new AcpDialogue(series, Path.of(cwd), MODES, () -> 0L);
    }

    @Test
    void anActTurnWithToolsThenAnAskTurnOnOneProcess() {
        List<String> transcript = Replay.transcript("transcript-opencode-acp-act-then-ask-tools.jsonl");
        Replay replay = new Replay(dialogue(Series.fresh(null), "/work/project")).play(transcript);

        String written = "/work/project/written.txt";
        assertThat(replay.meaningful()).containsExactly(
                new SessionStarted(SESSION),
                new ToolUse("call_fake_0008", "write",
                        "{\"filePath\":\"" + written + "\",\"content\":\"made by write\\n\"}"),
                new ToolResult("call_fake_0008", "Wrote file successfully.", false),
                new ToolUse("call_fake_0009", "bash",
                        "{\"command\":\"echo made by bash > ran.txt\",\"description\":\"write a file\",\"cwd\":\"/work/project\"}"),
                new ToolResult("call_fake_0009", "(no output)", false),
                new Text("done acting"),
                new TurnCompleted("done acting", new Usage(100, 20, 0, 0), 0.0018, 0, false),
                new ToolUse("call_fake_0010", "write",
                        "{\"filePath\":\"/work/project/asked.txt\",\"content\":\"made in ask\\n\"}"),
                new ToolResult("call_fake_0010", "Model tried to call unavailable tool 'invalid'. Available tools: "
                        + "glob, grep, read, skill, todowrite, webfetch.", true),
                new Text("done asking"),
                new TurnCompleted("done asking", new Usage(100, 20, 0, 0), 0.0029999999999999996 - 0.0018, 0, false));
    }

    @Test
    void theHistoryReplayedBySessionLoadIsNoTurnAndTheRefusedKeyEndsTheNextTurnWithTheApisMessage() {
        List<String> transcript = Replay.transcript("transcript-opencode-acp-load-then-401.jsonl");
        Replay replay = new Replay(dialogue(Series.started(SESSION), "/work/project")).play(transcript);

        assertThat(replay.meaningful()).containsExactly(
                new SessionStarted(SESSION),
                new Text("echo: after load"), // streamed in two chunks: one message
                // After a load the session's earlier cost is not known: the turn's own cost cannot be told.
                new TurnCompleted("echo: after load", new Usage(100, 20, 0, 0), null, 0, false),
                new TurnCompleted("key revoked by the fake server", Usage.NONE, 0.0, 0, true));
        assertThat(replay.events).filteredOn(BrainEvent.Raw.class::isInstance).hasSizeGreaterThan(9);
    }

    @Test
    void theRecordedLoadOfAnotherVersionOfTheTranscriptReplaysAsRawOnly() {
        List<String> transcript = Replay.transcript("transcript-opencode-acp-load.jsonl");
        int loaded = 8; // initialize, session/load, its four replayed updates and its answer
        Replay replay = new Replay(dialogue(Series.started("ses_e028409d9ffev9xx9xH2Gbz96b"),
                "/home/dev/brains/work-opencode")).play(transcript, 0, loaded);

        assertThat(replay.meaningful()).containsExactly(new SessionStarted("ses_e028409d9ffev9xx9xH2Gbz96b"));
        assertThat(replay.events).hasSize(6);
    }

    @Test
    void aPromptWaitsForTheSessionAndItsModeAndGoesOutAsTheAnswersArrive() {
        AcpDialogue dialogue = dialogue(Series.fresh(null), "/w");
        Wire wire = new Wire();
        wire.written(dialogue.opening());

        wire.written(dialogue.encode(new Prompt("early"), TaskMode.ASK));
        assertThat(wire.methods()).containsExactly("initialize"); // nothing else until it is answered
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":1}}");
        assertThat(wire.methods()).containsExactly("initialize", "session/new");
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"sessionId\":\"ses_1\"}}");
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");

        assertThat(wire.sent).extracting(m -> m.get("method")).containsExactly("initialize", "session/new",
                "session/set_mode", "session/prompt");
        assertThat(wire.sent.get(1).get("params")).isEqualTo(Map.of("cwd", "/w", "mcpServers", List.of()));
        assertThat(wire.sent.get(2).get("params")).isEqualTo(Map.of("sessionId", "ses_1", "modeId", "khlone-ask"));
        assertThat(wire.sent.get(3).get("params")).isEqualTo(Map.of("sessionId", "ses_1",
                "prompt", List.of(Map.of("type", "text", "text", "early"))));
        assertThat(wire.sent).extracting(m -> m.get("id")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(wire.events).containsExactly(new SessionStarted("ses_1"));
    }

    @Test
    void theModeIsSetOnlyWhenItChanges() {
        AcpDialogue dialogue = dialogue(Series.fresh(null), "/w");
        Wire wire = new Wire();
        wire.written(dialogue.opening());
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"sessionId\":\"ses_1\"}}");

        wire.written(dialogue.encode(new Prompt("one"), TaskMode.ACT));
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"stopReason\":\"end_turn\"}}");
        wire.written(dialogue.encode(new Prompt("two"), TaskMode.ACT));

        assertThat(wire.methods()).containsExactly("initialize", "session/new", "session/set_mode", "session/prompt",
                "session/prompt");
    }

    @Test
    void aReplyStreamedInChunksThatCutWordsIsOneTextPerMessage() {
        AcpDialogue dialogue = dialogue(Series.started("ses_1"), "/w");
        Wire wire = new Wire();
        wire.written(dialogue.opening());
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
        wire.written(dialogue.encode(new Prompt("p"), TaskMode.ASK));
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");

        for (String chunk : List.of("Let me lo", "ok at the ", "files.")) {
            wire.feed(dialogue, chunk("msg_1", chunk));
        }
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"ses_1\","
                + "\"update\":{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"c1\",\"title\":\"read\","
                + "\"status\":\"in_progress\",\"rawInput\":{\"filePath\":\"a\"}}}}");
        for (String chunk : List.of("They are fi", "ne.\n\nNothing to ", "do")) {
            wire.feed(dialogue, chunk("msg_2", chunk));
        }
        wire.feed(dialogue, chunk("msg_3", "Bye."));
        assertThat(wire.events).containsExactly(new SessionStarted("ses_1"), new Text("Let me look at the files."),
                new ToolUse("c1", "read", "{\"filePath\":\"a\"}"), new Text("They are fine.\n\nNothing to do"));

        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"stopReason\":\"end_turn\"}}");

        assertThat(wire.events).endsWith(new Text("Bye."), new TurnCompleted(
                "Let me look at the files.\n\nThey are fine.\n\nNothing to do\n\nBye.", Usage.NONE, null, 0, false));
    }

    private static String chunk(String message, String text) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"ses_1\",\"update\":{"
                + "\"sessionUpdate\":\"agent_message_chunk\",\"messageId\":\"" + message + "\",\"content\":{"
                + "\"type\":\"text\",\"text\":" + Json.write(text) + "}}}}";
    }

    @Test
    void permissionRequestsAreRejectedInAskAndAllowedOnceInAct() {
        String request = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"session/request_permission\",\"params\":{"
                + "\"sessionId\":\"ses_1\",\"toolCall\":{\"toolCallId\":\"c1\"},\"options\":["
                + "{\"optionId\":\"once\",\"kind\":\"allow_once\",\"name\":\"Allow once\"},"
                + "{\"optionId\":\"always\",\"kind\":\"allow_always\",\"name\":\"Always allow\"},"
                + "{\"optionId\":\"reject\",\"kind\":\"reject_once\",\"name\":\"Reject\"}]}}";
        for (TaskMode mode : TaskMode.values()) {
            AcpDialogue dialogue = dialogue(Series.started("ses_1"), "/w");
            Wire wire = new Wire();
            wire.written(dialogue.opening());
            wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
            wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
            wire.written(dialogue.encode(new Prompt("p"), mode));
            wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");

            wire.feed(dialogue, request);

            Map<String, Object> answer = wire.sent.get(wire.sent.size() - 1);
            assertThat(answer).containsEntry("id", 0L).doesNotContainKey("method");
            assertThat(answer.get("result")).isEqualTo(Map.of("outcome", Map.of("outcome", "selected",
                    "optionId", mode == TaskMode.ACT ? "once" : "reject")));
        }
    }

    @Test
    void requestsForCapabilitiesNotAdvertisedAreRefused() {
        AcpDialogue dialogue = dialogue(Series.started("ses_1"), "/w");
        Wire wire = new Wire();

        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"fs/write_text_file\",\"params\":{}}");

        assertThat(wire.sent).singleElement().satisfies(answer -> {
            assertThat(answer).containsEntry("id", 9L);
            assertThat(answer.get("error")).isEqualTo(Map.of("code", -32601L, "message", "khlone does not offer fs/write_text_file"));
        });
    }

    @Test
    void aSessionThatCannotBeLoadedFailsThePromptWaitingForItAndTheNextPromptTriesAgain() {
        AcpDialogue dialogue = dialogue(Series.started("ses_gone"), "/w");
        Wire wire = new Wire();
        wire.written(dialogue.opening());
        wire.written(dialogue.encode(new Prompt("p"), TaskMode.ACT));
        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");

        wire.feed(dialogue, "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32603,"
                + "\"message\":\"Internal error: OpenCode service failure\",\"data\":{\"service\":\"session\"}}}");
        wire.written(dialogue.encode(new Prompt("again"), TaskMode.ACT));

        assertThat(wire.events).containsExactly(
                new Failed("opencode could not load session ses_gone: OpenCode service failure"));
        assertThat(wire.methods()).containsExactly("initialize", "session/load", "session/load");
    }

    @Test
    void linesSplitAnywhereDecodeAlike() {
        List<String> transcript = Replay.transcript("transcript-opencode-acp-act-then-ask-tools.jsonl");
        AcpDialogue whole = dialogue(Series.fresh(null), "/work/project");
        List<BrainEvent> expected = new Replay(whole).play(transcript).meaningful();

        AcpDialogue split = dialogue(Series.fresh(null), "/work/project");
        Replay replay = new Replay(split);
        replay.playBytewise(transcript);

        assertThat(replay.meaningful()).isEqualTo(expected);
    }

    /** A sink that keeps what the dialogue writes, as JSON, and the meaningful events. */
    private static final class Wire implements Dialogue.Sink {
        final List<Map<String, Object>> sent = new java.util.ArrayList<>();
        final List<BrainEvent> events = new java.util.ArrayList<>();

        @Override
        public void event(BrainEvent event) {
            if (!(event instanceof BrainEvent.Raw)) {
                events.add(event);
            }
        }

        @Override
        public void reply(byte[] bytes) {
            written(bytes);
        }

        void written(byte[] bytes) {
            new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .forEach(l -> sent.add(Json.parseObject(l)));
        }

        List<Object> methods() {
            return sent.stream().map(m -> m.get("method")).filter(java.util.Objects::nonNull).toList();
        }

        void feed(AcpDialogue dialogue, String line) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            dialogue.decode(bytes, 0, bytes.length, this);
        }
    }
}
