package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.store.TranscriptEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecTest {
    private static final TaskInfo TASK = TaskInfo.queued("t-1a2b", "foreman.1", TaskMode.ACT,
            "implement auth\nwith tests ✓", 1_700_000_000_000L).started(1_700_000_001_000L)
            .used(100, 20, 5, 1, 0.0042, 1500);

    @Test
    void everyMessageSurvivesARoundTrip() throws Exception {
        List<Message> messages = List.of(
                new Request.Hello("1", Protocol.VERSION, "khlone 0.1.0"),
                new Reply.Welcome("1", Protocol.VERSION, "0.1.0", "app-12345678"),
                new Request.Status("2", null),
                new Reply.ZoneStatus("2", "/src/app", "app-12345678", 4242, 61_000, "0.1.0", "foreman.1", List.of(
                        new CloneInfo("foreman.1", "claude", CloneInfo.State.ACTIVE, "t-1a2b", 1_700_000_000_000L,
                                List.of("t-3c4d"), 1200, 340, 0.0125, "9f0c-uuid", 4343, null, CloneInfo.SINGLE_SHOT, null, null),
                        new CloneInfo("mechanic.1", "codex", CloneInfo.State.FAILED, null, 0, List.of(), 0, 0, null,
                                null, 0, "crashed 4 times in 60 s"))),
                new Request.Submit("5", TaskMode.ACT, "implement auth", "mechanic++", Placement.FIRST),
                new Request.Submit("6", TaskMode.ASK, "why?", null, Placement.DISRUPT),
                new Request.Submit("6", TaskMode.ACT, "go", "scout", Placement.LAST),
                new Request.Submit("6", TaskMode.ACT, "go", null, Placement.LAST, Map.of("PATH", "/a:/b", "ANTHROPIC_API_KEY", "k")),
                new Request.Submit("6", TaskMode.ACT, "go", null, Placement.LAST, Map.of(), 0.5),
                new Reply.Accepted("5", TASK),
                new Reply.Accepted("5", TASK.withBudget(0.5)),
                new Request.Await("7", "t-1a2b"),
                new Reply.TaskEnded("7", TASK.ended(TaskInfo.Status.DONE, "all done", null, 1_700_000_009_000L)),
                new Request.Task("8", "t-1a2b"),
                new Request.Tasks("8a", null, 20),
                new Request.Tasks("8b", "mechanic@codex", 0),
                new Reply.TaskList("8a", List.of(TASK, TASK.started(1_700_000_002_000L))),
                new Reply.TaskList("8b", List.of()),
                new Request.Doctor("8c"),
                new Reply.DoctorReport("8c", List.of(new BrainReport("claude", "/usr/bin/claude", "2.1.328 (Claude Code)", "2.1.328",
                        null, null), new BrainReport("codex", null, null, "0.169.0", "codex is not installed", "npm install -g ...")),
                        Map.of("PATH", "/usr/bin")),
                new Reply.TaskReport("8", TASK),
                new Reply.TaskReport("8", TASK.triggeredBy("nightly")),
                new Request.Triggers("8d"),
                new Reply.TriggerList("8d", List.of(new TriggerInfo("nightly", "cron", "0 9 * * 1-5", 1_700_000_100_000L,
                        1_700_000_000_000L, "t-1a2b", "done", 2, null), new TriggerInfo("#2", null, null, 0, 0, null, null, 0,
                        "khlone.yml: triggers #2: needs a name"))),
                new Request.TriggerRun("8e", "nightly"),
                new Request.Cancel("9", "t-1a2b"),
                new Request.Kill("10", "mechanic.1"),
                new Request.Reboot("11", "mechanic.1", false),
                new Request.Reboot("11", "mechanic.1", true),
                new Request.Reboot("11", "mechanic.1", true, Map.of("PATH", "/usr/bin")),
                new Request.Stop("3"),
                new Reply.Ok("3"),
                new Reply.Error("4", "bad-request", "nope", "do this"),
                new Reply.Error(null, "frame-too-large", "too big", null),
                new Reply.TaskReport("12", TASK.interrupted("the brain exited with code 137").started(1_700_000_002_000L)),
                new Request.Watch("13", "mechanic@codex", true),
                new Reply.Watching("13", "mechanic.1", true),
                new Push.Event("13", "mechanic.1", new TranscriptEntry(1_700_000_003_000L, "t-1a2b",
                        TranscriptEntry.Kind.TOOL, "{\"command\": \"ls\"}", "Bash", false)),
                new Push.Event("13", "mechanic.1", new TranscriptEntry(1_700_000_004_000L, null,
                        TranscriptEntry.Kind.NOTE, "rebooted", null, true)),
                new Push.Notice("13", "mechanic.1 is talking with a person now"),
                new Push.Output("13", new byte[] {0x1b, '[', '2', 'J', 0, (byte) 0xff, '\n'}),
                new Request.Talk("14", "foreman.1", 120, 40, true),
                new Request.Talk("14", null, 80, 24, false, Map.of("OPENAI_API_KEY", "x")),
                new Reply.Talking("14", "foreman.1"),
                new Request.Input("15", "héllo\r".getBytes(StandardCharsets.UTF_8)),
                new Request.Resize("16", 100, 30),
                new Request.Detach("17"),
                new Push.TalkEnded("14", "detached"),
                new Request.Follow("18"),
                new Push.CloneChanged("18", new CloneInfo("foreman.1", "claude", CloneInfo.State.ACTIVE, "t-1a2b",
                        1_700_000_000_000L, List.of(), 1, 2, null, "s", 7, null, CloneInfo.PERSISTENT, "fix the build", "Bash ls -la")),
                new Push.CloneLeft("18", "mechanic.1"));
        for (Message m : messages) {
            byte[] frame = Codec.encode(m);
            assertThat(frame[frame.length - 1]).isEqualTo((byte) '\n');
            // Compared field by field: Output's and Input's bytes are arrays, which records compare by identity.
            assertThat(Codec.decode(java.util.Arrays.copyOf(frame, frame.length - 1))).as(m.type())
                    .usingRecursiveComparison().isEqualTo(m);
        }
        assertThat(messages.stream().map(Object::getClass).distinct()).as("a sample of every message type")
                .containsExactlyInAnyOrderElementsOf(messageTypes(Message.class));
    }

    @Test
    void theRegistryReadsEveryMessageTypeByItsWireName() throws Exception {
        List<Class<?>> types = messageTypes(Message.class);
        List<String> names = new java.util.ArrayList<>();
        for (Class<?> type : types) {
            names.add((String) type.getField("TYPE").get(null));
        }
        assertThat(names).as("wire names are unique").doesNotHaveDuplicates();
        assertThat(names).allMatch(Codec::reads, "read by the codec");
        assertThat(Codec.reads("no-such-type")).isFalse();
    }

    /** The records a sealed family of messages is made of. */
    private static List<Class<?>> messageTypes(Class<?> family) {
        if (!family.isSealed()) {
            return List.of(family);
        }
        return java.util.Arrays.stream(family.getPermittedSubclasses()).flatMap(c -> messageTypes(c).stream()).toList();
    }

    @Test
    void framesAreOneLineOfJsonWithTheirType() {
        String frame = new String(Codec.encode(new Request.Hello("7", 1, "a\nb")), StandardCharsets.UTF_8);
        assertThat(frame).isEqualTo("{\"type\":\"hello\",\"id\":\"7\",\"protocol\":1,\"client\":\"a\\nb\"}\n");
    }

    @Test
    void stringsAreWrittenAsJacksonEscapesThemWhetherPlainOrNot() throws Exception {
        com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
        for (String text : List.of("", "plain text, why? 100% ~", "y".repeat(5000), "a \"quote\" and a \\ back",
                "tab\tnew\nline\u0000\u001f\u007f", "✓ is not Latin-1?", "?✓?", "Résumé ½", "\ud83d\ude00 emoji?")) {
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            try (com.fasterxml.jackson.core.JsonGenerator g = json.createGenerator(expected)) {
                g.writeStartObject();
                g.writeStringField("text", text);
                g.writeEndObject();
            }
            byte[] line = Codec.line(w -> w.string("text", text));
            assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(expected.toString(StandardCharsets.UTF_8) + "\n");
            assertThat(Codec.object(java.util.Arrays.copyOf(line, line.length - 1), "test").string("text")).isEqualTo(text);
        }
    }

    @Test
    void unknownFieldsAreIgnoredSoNewerPeersCanAddThem() throws Exception {
        Message m = decode("{\"type\":\"status\",\"id\":\"9\",\"verbose\":true,\"extra\":{\"a\":[1,2]}}");
        assertThat(m).isEqualTo(new Request.Status("9", null));
    }

    @Test
    void absentOptionalFieldsDecodeAsNull() throws Exception {
        Message m = decode("{\"type\":\"error\",\"code\":\"internal\",\"message\":\"boom\"}");
        assertThat(m).isEqualTo(new Reply.Error(null, "internal", "boom", null));
        assertThat(decode("{\"type\":\"reboot\",\"id\":\"1\",\"clone\":\"foreman.1\"}")).as("an older client's reboot")
                .isEqualTo(new Request.Reboot("1", "foreman.1", false));
    }

    @Test
    void brokenFramesAreRefusedWithWhatIsWrong() {
        assertBadRequest("not json at all", "not valid JSON");
        assertBadRequest("[1,2,3]", "not a JSON object");
        assertBadRequest("{\"id\":\"1\"}", "no string field 'type'");
        assertBadRequest("{\"type\":\"launch-missiles\",\"id\":\"1\"}", "unknown frame type 'launch-missiles'");
        assertBadRequest("{\"type\":\"hello\",\"id\":\"1\",\"client\":\"x\"}", "missing field 'protocol'");
        assertBadRequest("{\"type\":\"hello\",\"id\":\"1\",\"protocol\":\"one\",\"client\":\"x\"}",
                "field 'protocol' of a 'hello' frame must be an integer");
        assertBadRequest("{\"type\":\"status\",\"id\":\"1\"} {}", "content after");
        assertBadRequest("{\"type\":\"submit\",\"id\":\"1\",\"mode\":\"act\",\"prompt\":\"p\",\"first\":true}",
                "missing field 'placement'");
        assertBadRequest("{\"type\":\"submit\",\"id\":\"1\",\"mode\":\"act\",\"prompt\":\"p\",\"placement\":\"sideways\"}",
                "field 'placement' has no value 'sideways'");
        assertBadRequest("{\"type\":\"status\",\"id\":\"1\"", "not valid JSON");
        // protocol 3's output frame, its bytes in base64: refused, not misread
        assertBadRequest("{\"type\":\"output\",\"re\":\"1\",\"data\":\"AAE=\"}", "has no bytes after its header line");
        assertBadRequest("{\"re\":\"1\",\"type\":\"output\",\"bytes\":2}", "header must begin"); // the reader found no bytes
        assertBadRequest("{\"type\":\"output\",\"re\":\"1\",\"bytes\":3}\nab", "names 3 bytes but 2 follow it");
        assertBadRequest("{\"type\":\"output\",\"re\":\"1\",\"bytes\":x}\nab", "must end with its byte count");
        assertBadRequest("{\"type\":\"output\",\"re\":1,\"bytes\":2}\nab", "field 're'");
    }

    @Test
    void anOutputFramesBytesFollowItsHeaderAsTheyAre() throws Exception {
        byte[] data = {'{', '\n', 0, (byte) 0xff, '"', '\\', '\n'};
        byte[] frame = Codec.encode(new Push.Output("5", data));
        byte[] header = "{\"type\":\"output\",\"re\":\"5\",\"bytes\":7}\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(frame, header.length)).isEqualTo(header);
        assertThat(Arrays.copyOfRange(frame, header.length, frame.length - 1)).isEqualTo(data);
        assertThat(frame[frame.length - 1]).isEqualTo((byte) '\n');
        for (String re : List.of("5", "\u0035")) { // an escape in the header goes the general path
            Push.Output read = (Push.Output) decode("{\"type\":\"output\",\"re\":\"" + re + "\",\"bytes\":2}\n\u0000\u0001");
            assertThat(read.re()).as(re).isEqualTo("5");
            assertThat(read.data()).as(re).containsExactly(0, 1);
        }
    }

    @Test
    void anErrorNamesTheRequestWhenTheFrameCarriedAnId() {
        assertThatThrownBy(() -> decode("{\"type\":\"hello\",\"id\":\"41\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.re()).isEqualTo("41"));
        assertThatThrownBy(() -> decode("{\"type\":\"warp\",\"id\":\"42\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.re()).isEqualTo("42"));
        assertThatThrownBy(() -> decode("{\"type\":\"warp\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.re()).isNull());
    }

    @Test
    void randomBytesAreABadRequest() {
        byte[] junk = new byte[512];
        new java.util.Random(42).nextBytes(junk);
        assertThatThrownBy(() -> Codec.decode(junk))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void aReplyIsNotAcceptedAsARequest() {
        assertThatThrownBy(() -> Codec.decodeRequest(
                "{\"type\":\"ok\",\"re\":\"1\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'ok' is not a request");
    }

    private static Message decode(String json) throws ProtocolException {
        return Codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBadRequest(String json, String expected) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining(expected);
    }
}
