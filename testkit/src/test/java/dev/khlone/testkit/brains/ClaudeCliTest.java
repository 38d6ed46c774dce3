package dev.khlone.testkit.brains;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.RecordedRequest.Message;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real pinned {@code claude} against the fake model server, in dispatch mode on pipes. */
class ClaudeCliTest {
    /**
     * Ask: read-only. The tools that change the workspace are taken away from the model (it gets
     * "No such tool available", subagents included); {@code dontAsk} denies whatever else would
     * need a permission, since nobody can answer one on pipes.
     */
    static final List<String> ASK = List.of("--permission-mode", "dontAsk",
            "--disallowedTools", "Bash,Edit,Write,NotebookEdit");
    /**
     * Act: {@code acceptEdits} lets file edits in the working directory through (outside it they
     * are denied); {@code Bash} is allowed outright. Not {@code bypassPermissions}: claude refuses
     * it when run as root, as containers and CI often do.
     */
    static final List<String> ACT = List.of("--permission-mode", "acceptEdits", "--allowedTools", "Bash");

    private static final Duration TURN = Duration.ofSeconds(20);
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();

    @TempDir
    Path dir;
    private ClaudeHome home;
    private final List<ClaudeProcess> processes = new ArrayList<>();

    @BeforeEach
    void seedHome() throws IOException {
        home = ClaudeHome.seed(dir, Files.createDirectories(dir.resolve("project")), server.baseUrl());
    }

    @AfterEach
    void killClaude() throws InterruptedException {
        for (ClaudeProcess process : processes) {
            process.close();
        }
    }

    @Test
    void twoPromptsOnOneProcessEndInTwoResultsAndTheSecondRequestCarriesTheFirstExchange() throws Exception {
        String session = UUID.randomUUID().toString();
        ClaudeProcess claude = start("--session-id", session);

        claude.send("first prompt");
        Map<String, Object> first = claude.awaitResult(TURN);
        claude.send("second prompt");
        Map<String, Object> second = claude.awaitResult(TURN);

        assertThat(first).containsEntry("is_error", false).containsEntry("result", "echo: first prompt")
                .containsEntry("session_id", session);
        assertThat(second).containsEntry("is_error", false).containsEntry("result", "echo: second prompt")
                .containsEntry("session_id", session);
        List<RecordedRequest> turns = server.awaitTurns(2, TURN);
        assertThat(turns).hasSize(2);
        assertThat(turns.get(1).conversation()).containsSubsequence(
                new Message("user", "first prompt"),
                new Message("assistant", "echo: first prompt"),
                new Message("user", "second prompt"));
        assertThat(turns.get(0).header("authorization")).isEqualTo("Bearer " + ClaudeHome.TOKEN);
    }

    @Test
    void aLongPromptArrivesWholeAndTheReplysUsageIsCountedAndCosted() throws Exception {
        String prompt = "long prompt " + "0123456789abcdef".repeat(12 * 1024 / 16) + " end";
        server.enqueue(Reply.text("counted").withUsage(new Reply.Usage(12_000, 345)));
        ClaudeProcess claude = start();

        claude.send(prompt);
        Map<String, Object> result = claude.awaitResult(TURN);

        assertThat(server.awaitTurns(1, TURN).get(0).prompt()).isEqualTo(prompt);
        assertThat(result).containsEntry("result", "counted");
        assertThat(map(result.get("usage"))).containsEntry("input_tokens", 12_000L)
                .containsEntry("output_tokens", 345L);
        assertThat((Double) result.get("total_cost_usd")).isPositive();
    }

    @Test
    void actLetsTheModelWriteFilesAndRunCommands() throws Exception {
        Path written = home.project().resolve("written.txt");
        server.enqueue(
                Reply.toolCall("Write", Map.of("file_path", written.toString(), "content", "made by Write\n")),
                Reply.toolCall("Bash", Map.of("command", "echo made by Bash > ran.txt", "description", "write a file")),
                Reply.text("done acting"));
        ClaudeProcess claude = start(ACT);

        claude.send("please act");
        Map<String, Object> result = claude.awaitResult(TURN);

        assertThat(result).containsEntry("is_error", false).containsEntry("result", "done acting");
        assertThat(written).hasContent("made by Write");
        assertThat(home.project().resolve("ran.txt")).hasContent("made by Bash");
    }

    @Test
    void askKeepsTheWorkspaceUnchanged() throws Exception {
        Path written = home.project().resolve("written.txt");
        server.enqueue(
                Reply.toolCall("Write", Map.of("file_path", written.toString(), "content", "made by Write\n")),
                Reply.toolCall("Bash", Map.of("command", "echo made by Bash > ran.txt", "description", "write a file")),
                Reply.text("done asking"));
        ClaudeProcess claude = start(ASK);

        claude.send("please only look");
        Map<String, Object> result = claude.awaitResult(TURN);

        assertThat(result).containsEntry("result", "done asking");
        try (var files = Files.list(home.project())) {
            assertThat(files).isEmpty();
        }
        // The model was told, so it can say why nothing happened.
        assertThat(server.awaitTurns(3, TURN).get(2).toolResults())
                .allSatisfy(r -> assertThat(r).contains("No such tool available"));
    }

    @Test
    void anInjected401EndsTheTurnPromptlyWithTheApisMessage() throws Exception {
        server.enqueue(Reply.failure(401, "key revoked by the fake server"));
        ClaudeProcess claude = start();

        long start = System.nanoTime();
        claude.send("this will fail");
        Map<String, Object> result = claude.awaitResult(TURN);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result).containsEntry("is_error", true).containsEntry("api_error_status", 401L)
                .containsEntry("result", "Failed to authenticate. API Error: 401 key revoked by the fake server");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(server.turns()).hasSize(1); // CLAUDE_CODE_MAX_RETRIES=0: no retry
    }

    @Test
    void theRealApisWrongKeyAnswerIsReworded() throws Exception {
        // claude knows "invalid x-api-key" and says what to do instead of quoting it.
        server.enqueue(Reply.unauthorized());
        ClaudeProcess claude = start();

        claude.send("this will fail");

        assertThat(claude.awaitResult(TURN)).containsEntry("is_error", true)
                .containsEntry("result", "Not logged in · Please run /login");
    }

    @Test
    void anOverloadedApiEndsTheTurnWithoutRetrying() throws Exception {
        server.enqueue(Reply.overloaded());
        ClaudeProcess claude = start();

        claude.send("this will fail");
        Map<String, Object> result = claude.awaitResult(TURN);

        assertThat(result).containsEntry("is_error", true).containsEntry("api_error_status", 529L);
        assertThat((String) result.get("result")).startsWith("API Error: 529 Overloaded.");
        claude.send("this will not");
        assertThat(claude.awaitResult(TURN)).containsEntry("is_error", false)
                .containsEntry("result", "echo: this will not");
        assertThat(server.turns()).hasSize(2);
    }

    @Test
    void resumeInANewProcessContinuesTheConversation() throws Exception {
        String session = UUID.randomUUID().toString();
        ClaudeProcess before = start("--session-id", session);
        before.send("remember the word zebra");
        assertThat(before.awaitResult(TURN)).containsEntry("result", "echo: remember the word zebra");
        assertThat(before.finish(TURN)).isZero();

        ClaudeProcess after = start("--resume", session);
        after.send("which word?");
        Map<String, Object> result = after.awaitResult(TURN);

        assertThat(result).containsEntry("result", "echo: which word?").containsEntry("session_id", session);
        assertThat(server.awaitTurns(2, TURN).get(1).conversation()).containsSubsequence(
                new Message("user", "remember the word zebra"),
                new Message("assistant", "echo: remember the word zebra"),
                new Message("user", "which word?"));
    }

    private ClaudeProcess start(String... args) throws IOException {
        return start(List.of(args));
    }

    private ClaudeProcess start(List<String> args) throws IOException {
        ClaudeProcess process = ClaudeProcess.start(home, args);
        processes.add(process);
        return process;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
