package dev.khlone.brain.opencode;

import dev.khlone.testkit.brains.Dispatched;
import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.BrainEvent.SessionStarted;
import dev.khlone.protocol.brain.BrainEvent.Text;
import dev.khlone.protocol.brain.BrainEvent.ToolResult;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.OpencodeHome;
import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.RecordedRequest.Message;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pinned opencode ({@code scripts/install-brains opencode}), launched from nothing but
 * {@link OpencodeBrain}'s launch specs and spoken to through its dialogue, against the fake model
 * server's Chat Completions on 127.0.0.1. Fails, never skips, when opencode is not installed.
 * opencode takes 2–4 s to start and about 550 MB, so every test runs one process but one.
 */
class RealOpencodeTest {
    /** The first turn includes opencode's start. */
    private static final Duration TURN = Duration.ofSeconds(30);
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();

    @TempDir
    Path dir;
    private final OpencodeBrain brain = new OpencodeBrain();
    private final List<Dispatched> processes = new ArrayList<>();
    private OpencodeHome home;
    private Options options;

    @BeforeEach
    void seedHome() throws IOException {
        home = OpencodeHome.seed(dir, Files.createDirectories(dir.resolve("project")), server.baseUrl());
        Map<String, String> env = new LinkedHashMap<>(home.environment());
        env.put(OpencodeBrain.BINARY_VARIABLE, Brains.opencode().toString()); // throws, saying to install it
        options = new Options(home.project(), null, List.of(), new Environment(env));
    }

    @AfterEach
    void killOpencode() {
        processes.forEach(Dispatched::close);
        // Nothing but the model API, on loopback: no models.dev, no npm, no update check.
        assertThat(server.requests()).allSatisfy(r ->
                assertThat(r.method() + " " + r.path()).isEqualTo("POST /v1/chat/completions"));
    }

    @Test
    void twoTurnsOnOneProcessAndTheSecondRequestCarriesTheFirstExchange() throws Exception {
        Dispatched opencode = dispatch(brain.newSeries());

        opencode.send("first prompt", TaskMode.ASK);
        List<BrainEvent> first = opencode.awaitTurn(TURN);
        opencode.send("second prompt", TaskMode.ASK);
        List<BrainEvent> second = opencode.awaitTurn(TURN);

        assertThat(meaningful(first)).first().isInstanceOf(SessionStarted.class);
        assertThat(completion(first)).satisfies(done -> {
            assertThat(done.result()).isEqualTo("echo: first prompt");
            assertThat(done.isError()).isFalse();
            assertThat(done.usage().inputTokens()).isEqualTo(100);
            assertThat(done.usage().outputTokens()).isEqualTo(20);
            // 100 in at $3 and 20 out at $15 a million
            assertThat(done.costUsd()).isCloseTo(0.0006, org.assertj.core.data.Offset.offset(1e-9));
        });
        // The fake streams it in two chunks that cut a word: one message, one event.
        assertThat(first).filteredOn(Text.class::isInstance).containsExactly(new Text("echo: first prompt"));
        assertThat(completion(second).result()).isEqualTo("echo: second prompt");
        assertThat(server.awaitTurns(2, TURN).get(1).conversation()).containsExactly(
                new Message("user", "first prompt"),
                new Message("assistant", "echo: first prompt"),
                new Message("user", "second prompt"));
    }

    @Test
    void aNewProcessOnTheStartedSeriesLoadsAndContinuesIt() throws Exception {
        Dispatched before = dispatch(brain.newSeries());
        before.send("remember the word zebra", TaskMode.ACT);
        List<BrainEvent> turn = before.awaitTurn(TURN);
        String id = ((SessionStarted) meaningful(turn).get(0)).series();
        assertThat(before.finish(TURN)).isZero();

        Dispatched after = dispatch(Series.started(id));
        after.send("which word?", TaskMode.ACT);
        List<BrainEvent> next = after.awaitTurn(TURN);

        // The replayed history is no part of the new turn.
        assertThat(meaningful(next)).first().isEqualTo(new SessionStarted(id));
        assertThat(texts(next)).isEqualTo("echo: which word?");
        assertThat(completion(next).result()).isEqualTo("echo: which word?");
        assertThat(server.awaitTurns(2, TURN).get(1).conversation()).containsExactly(
                new Message("user", "remember the word zebra"),
                new Message("assistant", "echo: remember the word zebra"),
                new Message("user", "which word?"));
    }

    @Test
    void aPromptedSessionTheLogNeverHeardOfIsFoundInOpencodesOwnList() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Dispatched opencode = dispatch(brain.newSeries());
        opencode.send("a prompt for the list", TaskMode.ACT);
        String id = ((SessionStarted) meaningful(opencode.awaitTurn(TURN)).get(0)).series();
        assertThat(opencode.finish(TURN)).isZero();

        // As a TUI that ended with its terminal gone leaves it: the turn's lines never written.
        Files.write(SessionLog.of(options.environment()), new byte[0]);
        assertThat(brain.afterTalk(brain.newSeries(), options, since)).contains(Series.started(id));
        assertThat(brain.afterTalk(brain.newSeries(), options, Instant.now())).as("none begun since").isEmpty();
    }

    @Test
    void askCannotWriteOrRunCommandsAndActOnTheSameProcessCan() throws Exception {
        Path written = home.project().resolve("written.txt");
        server.enqueue(
                Reply.toolCall("write", Map.of("filePath", written.toString(), "content", "made by write\n")),
                Reply.toolCall("bash", Map.of("command", "echo made by bash > ran.txt", "description", "write a file")),
                Reply.text("done asking"),
                Reply.toolCall("write", Map.of("filePath", written.toString(), "content", "made by write\n")),
                Reply.toolCall("bash", Map.of("command", "echo made by bash > ran.txt", "description", "write a file")),
                Reply.text("done acting"));
        Dispatched opencode = dispatch(brain.newSeries());

        opencode.send("please only look", TaskMode.ASK);
        List<BrainEvent> asked = opencode.awaitTurn(TURN);

        assertThat(completion(asked).result()).isEqualTo("done asking");
        try (Stream<Path> files = Files.list(home.project())) {
            assertThat(files).isEmpty();
        }
        assertThat(asked).filteredOn(ToolResult.class::isInstance).map(ToolResult.class::cast).hasSize(2)
                .allSatisfy(r -> {
                    assertThat(r.isError()).isTrue();
                    assertThat(r.output()).contains("unavailable tool");
                });

        opencode.send("please act", TaskMode.ACT);
        List<BrainEvent> acted = opencode.awaitTurn(TURN);

        assertThat(completion(acted)).extracting(TurnCompleted::result, TurnCompleted::isError)
                .containsExactly("done acting", false);
        assertThat(written).hasContent("made by write");
        assertThat(home.project().resolve("ran.txt")).hasContent("made by bash");
        assertThat(acted).filteredOn(ToolResult.class::isInstance).map(ToolResult.class::cast).hasSize(2)
                .noneMatch(ToolResult::isError);
    }

    @Test
    void aRefusedKeyEndsTheTurnPromptlyWithTheApisMessage() throws Exception {
        Dispatched opencode = dispatch(brain.newSeries());
        opencode.send("warm up", TaskMode.ACT);
        opencode.awaitTurn(TURN); // opencode's start is not the failure's to wait for
        server.enqueue(Reply.failure(401, "key revoked by the fake server"));

        long start = System.nanoTime();
        opencode.send("this will fail", TaskMode.ACT);
        List<BrainEvent> turn = opencode.awaitTurn(TURN);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(completion(turn)).extracting(TurnCompleted::result, TurnCompleted::isError)
                .containsExactly("key revoked by the fake server", true);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(turn).noneMatch(Text.class::isInstance);
    }

    @Test
    void aLongPromptOfAnyCharactersArrivesWhole() throws Exception {
        String prompt = "line one\n\"quoted\" \\ tab\t \u00e9\u4e2d\ud83d\ude00\n"
                + "0123456789abcdef".repeat(12 * 1024 / 16) + "\nend";
        Dispatched opencode = dispatch(brain.newSeries());

        opencode.send(prompt, TaskMode.ACT);
        List<BrainEvent> turn = opencode.awaitTurn(TURN);

        assertThat(server.awaitTurns(1, TURN).get(0).prompt()).isEqualTo(prompt);
        assertThat(completion(turn).result()).isEqualTo("echo: " + prompt);
    }

    private Dispatched dispatch(Series series) throws IOException {
        Path stderr = Files.createTempFile(dir, "opencode-stderr", ".txt");
        // ask and act launch alike: the mode goes with each prompt
        assertThat(brain.dispatch(series, TaskMode.ASK, options)).isEqualTo(brain.dispatch(series, TaskMode.ACT, options));
        Dispatched process = Dispatched.start(brain.dispatch(series, TaskMode.ACT, options),
                brain.dialogue(series, options), stderr);
        processes.add(process);
        return process;
    }

    /** Raw events compare by identity: the rest. */
    private static List<BrainEvent> meaningful(List<BrainEvent> turn) {
        return turn.stream().filter(e -> !(e instanceof BrainEvent.Raw)).toList();
    }

    private static String texts(List<BrainEvent> turn) {
        return String.join("", turn.stream().filter(Text.class::isInstance).map(e -> ((Text) e).text()).toList());
    }

    private static TurnCompleted completion(List<BrainEvent> turn) {
        assertThat(turn).last().isInstanceOf(TurnCompleted.class);
        return (TurnCompleted) turn.get(turn.size() - 1);
    }
}
