package dev.khlone.brain.codex;

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
import dev.khlone.testkit.brains.CodexHome;
import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.RecordedRequest.Message;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The real pinned codex ({@code scripts/install-brains codex}), launched from nothing but
 * {@link CodexBrain}'s launch specs and spoken to through its dialogue, against the fake model
 * server on 127.0.0.1. Fails, never skips, when codex is not installed.
 */
class RealCodexTest {
    private static final Duration TURN = Duration.ofSeconds(20);
    private static final String PATCH = "*** Begin Patch\n*** Add File: patched.txt\n+made by apply_patch\n*** End Patch\n";
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();

    @TempDir
    Path dir;
    private final CodexBrain brain = new CodexBrain();
    private final List<Dispatched> processes = new ArrayList<>();
    private CodexHome home;
    private Options options;

    @BeforeEach
    void seedHome() throws IOException {
        home = CodexHome.seed(dir, Files.createDirectories(dir.resolve("project")), server.baseUrl());
        Map<String, String> env = new LinkedHashMap<>(home.environment());
        env.put(CodexBrain.BINARY_VARIABLE, Brains.codex().toString()); // throws, saying to install it
        options = new Options(home.project(), null, home.arguments(), new Environment(env));
    }

    @AfterEach
    void killCodex() {
        processes.forEach(Dispatched::close);
        // codex spoke to the fake model server only, and only in the Responses API.
        assertThat(server.requests()).extracting(RecordedRequest::path).containsOnly("/v1/responses");
    }

    @Test
    void aSecondTaskResumesTheThreadAndItsRequestCarriesTheFirstExchange() throws Exception {
        Dispatched first = dispatch(brain.newSeries(), TaskMode.ASK, "first prompt");
        List<BrainEvent> one = first.awaitTurn(TURN);
        assertThat(first.finish(TURN)).isZero();
        String thread = ((SessionStarted) one.get(0)).series();

        Dispatched second = dispatch(Series.started(thread), TaskMode.ACT, "second prompt");
        List<BrainEvent> two = second.awaitTurn(TURN);

        assertThat(one).contains(new Text("echo: first prompt"));
        assertThat(completion(one)).satisfies(done -> {
            assertThat(done.result()).isEqualTo("echo: first prompt");
            assertThat(done.isError()).isFalse();
            assertThat(done.usage().inputTokens()).isEqualTo(100);
            assertThat(done.usage().outputTokens()).isEqualTo(20);
        });
        assertThat(two).first().isEqualTo(new SessionStarted(thread)); // resumed, not forked
        assertThat(completion(two).result()).isEqualTo("echo: second prompt");
        // codex reports the thread's running total; the task gets its own turn's share.
        assertThat(completion(two).usage().inputTokens()).isEqualTo(100);
        assertThat(completion(two).usage().outputTokens()).isEqualTo(20);
        assertThat(server.awaitTurns(2, TURN).get(1).conversation()).containsSubsequence(
                new Message("user", "first prompt"),
                new Message("assistant", "echo: first prompt"),
                new Message("user", "second prompt"));
    }

    @Test
    void askLeavesTheWorkspaceAsItWasAndTheModelIsToldWhy() throws Exception {
        server.enqueue(Reply.toolCall("exec_command", Map.of("cmd", "echo made by the shell > ran.txt")),
                Reply.toolCall("apply_patch", Map.of("input", PATCH)),
                Reply.text("done asking"));

        List<BrainEvent> turn = dispatch(brain.newSeries(), TaskMode.ASK, "please only look").awaitTurn(TURN);

        assertThat(completion(turn).result()).isEqualTo("done asking");
        try (Stream<Path> files = Files.list(home.project())) {
            assertThat(files).isEmpty();
        }
        assertThat(server.awaitTurns(3, TURN).get(2).toolResults()).satisfiesExactly(
                shell -> assertThat(shell).contains("Process exited with code 1").contains("Read-only file system"),
                patch -> assertThat(patch).contains("patch rejected: writing is blocked by read-only sandbox"));
    }

    @Test
    void actRunsCommandsAndWritesFiles() throws Exception {
        server.enqueue(Reply.toolCall("exec_command", Map.of("cmd", "echo made by the shell > ran.txt")),
                Reply.toolCall("apply_patch", Map.of("input", PATCH)),
                Reply.text("done acting"));

        List<BrainEvent> turn = dispatch(brain.newSeries(), TaskMode.ACT, "please act").awaitTurn(TURN);

        assertThat(completion(turn)).extracting(TurnCompleted::result, TurnCompleted::isError)
                .containsExactly("done acting", false);
        assertThat(home.project().resolve("ran.txt")).hasContent("made by the shell");
        assertThat(home.project().resolve("patched.txt")).hasContent("made by apply_patch");
        assertThat(turn).filteredOn(ToolResult.class::isInstance).map(ToolResult.class::cast).hasSize(2)
                .noneMatch(ToolResult::isError);
    }

    @Test
    void aRefusedKeyEndsTheTurnPromptlyWithTheApisMessage() throws Exception {
        server.enqueue(Reply.failure(401, "key revoked by the fake server"));

        long start = System.nanoTime();
        Dispatched codex = dispatch(brain.newSeries(), TaskMode.ASK, "this will fail");
        List<BrainEvent> turn = codex.awaitTurn(TURN);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(completion(turn).isError()).isTrue();
        assertThat(completion(turn).result()).startsWith("unexpected status 401 Unauthorized: key revoked by the fake server");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(turn).noneMatch(Text.class::isInstance);
        assertThat(server.turns()).hasSize(1); // not retried
    }

    @Test
    void aLongPromptOfAnyCharactersArrivesWhole() throws Exception {
        String prompt = "line one\n\"quoted\" \\ tab\t \u00e9\u4e2d\ud83d\ude00\n"
                + "0123456789abcdef".repeat(12 * 1024 / 16) + "\nend";

        List<BrainEvent> turn = dispatch(brain.newSeries(), TaskMode.ACT, prompt).awaitTurn(TURN);

        assertThat(server.awaitTurns(1, TURN).get(0).prompt()).isEqualTo(prompt);
        assertThat(completion(turn).result()).isEqualTo("echo: " + prompt);
    }

    private Dispatched dispatch(Series series, TaskMode mode, String prompt) throws IOException {
        Path stderr = Files.createTempFile(dir, "codex-stderr", ".txt");
        Dispatched process = Dispatched.run(brain.dispatch(series, mode, options), brain.dialogue(series, options), stderr,
                prompt, mode);
        processes.add(process);
        return process;
    }

    private static TurnCompleted completion(List<BrainEvent> turn) {
        assertThat(turn).last().isInstanceOf(TurnCompleted.class);
        return (TurnCompleted) turn.get(turn.size() - 1);
    }
}
