package dev.khlone.brain.claude;

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
import dev.khlone.testkit.brains.ClaudeHome;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pinned claude ({@code scripts/install-brains claude}), launched from nothing but
 * {@link ClaudeBrain}'s launch specs and spoken to through its dialogue, against the fake model
 * server on 127.0.0.1. Fails, never skips, when claude is not installed.
 */
class RealClaudeTest {
    private static final Duration TURN = Duration.ofSeconds(20);
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();

    @TempDir
    Path dir;
    private final ClaudeBrain brain = new ClaudeBrain();
    private final List<Dispatched> processes = new ArrayList<>();
    private ClaudeHome home;
    private Options options;

    @BeforeEach
    void seedHome() throws IOException {
        home = ClaudeHome.seed(dir, Files.createDirectories(dir.resolve("project")), server.baseUrl());
        Map<String, String> env = new LinkedHashMap<>(home.environment());
        env.put(ClaudeBrain.BINARY_VARIABLE, Brains.claude().toString()); // throws, saying to install it
        options = new Options(home.project(), null, List.of(), new Environment(env));
    }

    @AfterEach
    void killClaude() {
        for (Dispatched process : processes) {
            process.close();
        }
    }

    @Test
    void twoTurnsOnOneProcessAndTheSecondRequestCarriesTheFirstExchange() throws Exception {
        Series series = brain.newSeries();
        Dispatched claude = dispatch(series, TaskMode.ASK);

        claude.send("first prompt", TaskMode.ASK);
        List<BrainEvent> first = claude.awaitTurn(TURN);
        claude.send("second prompt", TaskMode.ASK);
        List<BrainEvent> second = claude.awaitTurn(TURN);

        assertThat(first).first().isEqualTo(new SessionStarted(series.id()));
        assertThat(first).contains(new Text("echo: first prompt"));
        assertThat(completion(first)).satisfies(done -> {
            assertThat(done.result()).isEqualTo("echo: first prompt");
            assertThat(done.isError()).isFalse();
            assertThat(done.usage().inputTokens()).isEqualTo(100);
            assertThat(done.costUsd()).isPositive();
        });
        assertThat(completion(second).result()).isEqualTo("echo: second prompt");
        assertThat(server.awaitTurns(2, TURN).get(1).conversation()).containsSubsequence(
                new Message("user", "first prompt"),
                new Message("assistant", "echo: first prompt"),
                new Message("user", "second prompt"));
    }

    @Test
    void askLeavesTheWorkspaceAsItWas() throws Exception {
        // A repository with a commit, where EnterWorktree could really add a worktree and a branch.
        git("init", "-q");
        git("-c", "user.name=khlone", "-c", "user.email=khlone@127.0.0.1", "commit", "-q", "--allow-empty", "-m", "start");
        server.enqueue(
                Reply.toolCall("Write", Map.of("file_path", home.project().resolve("written.txt").toString(),
                        "content", "made by Write\n")),
                Reply.toolCall("Bash", Map.of("command", "echo made by Bash > ran.txt", "description", "write a file")),
                Reply.toolCall("CronCreate", Map.of("cron", "*/5 * * * *", "prompt", "later", "durable", true)),
                Reply.toolCall("EnterWorktree", Map.of("name", "elsewhere")),
                Reply.text("done asking"));
        Dispatched claude = dispatch(brain.newSeries(), TaskMode.ASK);

        claude.send("please only look", TaskMode.ASK);
        List<BrainEvent> turn = claude.awaitTurn(TURN);

        assertThat(completion(turn).result()).isEqualTo("done asking");
        try (Stream<Path> files = Files.list(home.project())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(".git");
        }
        assertThat(home.project().resolve(".git/worktrees")).doesNotExist();
        // The model was told, so it can say why nothing happened.
        assertThat(turn).filteredOn(ToolResult.class::isInstance).map(ToolResult.class::cast).hasSize(4)
                .allSatisfy(r -> {
                    assertThat(r.isError()).isTrue();
                    assertThat(r.output()).contains("No such tool available");
                });
    }

    @Test
    void actWritesFilesAndRunsCommands() throws Exception {
        Path written = home.project().resolve("written.txt");
        server.enqueue(
                Reply.toolCall("Write", Map.of("file_path", written.toString(), "content", "made by Write\n")),
                Reply.toolCall("Bash", Map.of("command", "echo made by Bash > ran.txt", "description", "write a file")),
                Reply.text("done acting"));
        Dispatched claude = dispatch(brain.newSeries(), TaskMode.ACT);

        claude.send("please act", TaskMode.ACT);
        List<BrainEvent> turn = claude.awaitTurn(TURN);

        assertThat(completion(turn)).extracting(TurnCompleted::result, TurnCompleted::isError)
                .containsExactly("done acting", false);
        assertThat(written).hasContent("made by Write");
        assertThat(home.project().resolve("ran.txt")).hasContent("made by Bash");
        assertThat(turn).filteredOn(ToolResult.class::isInstance).map(ToolResult.class::cast).hasSize(2)
                .noneMatch(ToolResult::isError);
    }

    @Test
    void aRefusedKeyEndsTheTurnPromptlyWithTheApisMessage() throws Exception {
        server.enqueue(Reply.failure(401, "key revoked by the fake server"));
        Dispatched claude = dispatch(brain.newSeries(), TaskMode.ASK);

        long start = System.nanoTime();
        claude.send("this will fail", TaskMode.ASK);
        List<BrainEvent> turn = claude.awaitTurn(TURN);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(completion(turn)).extracting(TurnCompleted::result, TurnCompleted::isError)
                .containsExactly("Failed to authenticate. API Error: 401 key revoked by the fake server", true);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(turn).noneMatch(Text.class::isInstance); // said once, as the reason, not as the model's words
    }

    @Test
    void aLongPromptOfAnyCharactersArrivesWhole() throws Exception {
        String prompt = "line one\n\"quoted\" \\ tab\t \u00e9\u4e2d\ud83d\ude00\n"
                + "0123456789abcdef".repeat(12 * 1024 / 16) + "\nend";
        Dispatched claude = dispatch(brain.newSeries(), TaskMode.ACT);

        claude.send(prompt, TaskMode.ACT);
        List<BrainEvent> turn = claude.awaitTurn(TURN);

        assertThat(server.awaitTurns(1, TURN).get(0).prompt()).isEqualTo(prompt);
        assertThat(completion(turn).result()).isEqualTo("echo: " + prompt);
    }

    @Test
    void aNewProcessOnTheStartedSeriesResumesTheConversation() throws Exception {
        Series series = brain.newSeries();
        Dispatched before = dispatch(series, TaskMode.ASK);
        before.send("remember the word zebra", TaskMode.ASK);
        assertThat(before.awaitTurn(TURN)).contains(new SessionStarted(series.id()));
        assertThat(before.finish(TURN)).isZero();

        Dispatched after = dispatch(Series.started(series.id()), TaskMode.ACT);
        after.send("which word?", TaskMode.ACT);
        List<BrainEvent> turn = after.awaitTurn(TURN);

        assertThat(turn).first().isEqualTo(new SessionStarted(series.id())); // resumed, not forked
        assertThat(completion(turn).result()).isEqualTo("echo: which word?");
        List<RecordedRequest> turns = server.awaitTurns(2, TURN);
        assertThat(turns.get(1).conversation()).containsSubsequence(
                new Message("user", "remember the word zebra"),
                new Message("assistant", "echo: remember the word zebra"),
                new Message("user", "which word?"));
    }

    private Dispatched dispatch(Series series, TaskMode mode) throws IOException {
        Path stderr = Files.createTempFile(dir, "claude-stderr", ".txt");
        Dispatched process = Dispatched.start(brain.dispatch(series, mode, options), brain.dialogue(series, options), stderr);
        processes.add(process);
        return process;
    }

    private static TurnCompleted completion(List<BrainEvent> turn) {
        assertThat(turn).last().isInstanceOf(TurnCompleted.class);
        return (TurnCompleted) turn.get(turn.size() - 1);
    }

    private void git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).directory(home.project().toFile()).inheritIO().start();
        assertThat(git.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).isZero();
    }
}
