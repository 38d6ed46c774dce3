package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.brain.codex.CodexBrain;
import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.CodexHome;
import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handle running the real, pinned {@code codex} against the fake model server on 127.0.0.1:
 * one {@code codex exec} per task, its TUI in a PTY on the same thread.
 */
class CodexHandleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** On a fresh TUI's screen once it takes keys. */
    private static final String READY = "OpenAI Codex";
    @RegisterExtension
    static final FakeModelServer model = FakeModelServer.forTestClass();

    @TempDir
    Path tmp;
    Path zone;
    CodexHome home;
    Options options;
    BrainHandle handle;
    Recorder recorder;
    TuiScreen screen;

    @BeforeEach
    void setUp() throws Exception {
        zone = Files.createDirectory(tmp.resolve("zone"));
        home = CodexHome.seed(tmp.resolve("home"), zone, model.baseUrl());
        Map<String, String> env = new HashMap<>(home.environment());
        env.put("KHLONE_CODEX_BIN", Brains.codex().toString());
        CodexBrain brain = new CodexBrain();
        options = new Options(zone, null, home.arguments(), new Environment(env));
        handle = new BrainHandle("mechanic.1", "handle-test/" + ProcessHandle.current().pid() + "/mechanic.1", brain,
                brain.newSeries(), () -> options);
        recorder = new Recorder(handle);
        screen = new TuiScreen(handle);
    }

    @AfterEach
    void tearDown() {
        handle.kill();
        assertThat(model.requests()).extracting(RecordedRequest::path).containsOnly("/v1/responses");
    }

    private static TurnCompleted await(CompletableFuture<TurnCompleted> turn) throws Exception {
        return turn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void actsResumeOneThreadTheTuiShowsItTakesATypedPromptAndDispatchThenSeesTheWholeHistory() throws Exception {
        handle.enboot(Mode.DISPATCH);
        assertThat(handle.series().id()).isNull(); // codex names it
        model.enqueue(Reply.text("first reply"), Reply.text("second reply"));
        assertThat(await(handle.act(new Prompt("first prompt"))).result()).isEqualTo("first reply");
        String thread = handle.series().id();
        assertThat(thread).isNotNull();
        assertThat(handle.series().started()).isTrue();
        TurnCompleted second = await(handle.act(new Prompt("second prompt")));
        assertThat(second.result()).isEqualTo("second reply");
        assertThat(second.isError()).isFalse();
        assertThat(handle.series().id()).isEqualTo(thread);
        assertThat(texts(model.awaitTurns(2, WAIT).get(1)))
                .containsSubsequence("first prompt", "first reply", "second prompt");

        handle.reboot(Mode.INTERACTIVE);
        awaitScreen("second reply");
        assertThat(screen.text()).contains("first prompt", "first reply", "second prompt");

        model.enqueue(Reply.text("reply typed in the tui"));
        handle.write("typed into the tui".getBytes(StandardCharsets.UTF_8));
        // Enter in the same write as the text is taken as part of a paste, a new line; a person's Enter comes later.
        awaitScreen("typed into the tui");
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        awaitScreen("reply typed in the tui");

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.series().id()).isEqualTo(thread);
        model.enqueue(Reply.text("reply after the tui"));
        assertThat(await(handle.act(new Prompt("prompt after the tui"))).result()).isEqualTo("reply after the tui");
        List<RecordedRequest> turns = model.awaitTurns(4, WAIT);
        assertThat(texts(turns.get(3))).containsSubsequence("first prompt", "first reply", "second prompt",
                "second reply", "typed into the tui", "reply typed in the tui", "prompt after the tui");
        // Three tasks' processes ended as they should, and so did the TUI, rebooted away.
        assertThat(recorder.awaitExits(4, WAIT)).hasSize(4).allMatch(Recorder.Exit::expected);
    }

    @Test
    void aThreadBegunInTheTuiIsTheOneTheNextTaskResumes() throws Exception {
        handle.enboot(Mode.DISPATCH);
        handle.reboot(Mode.INTERACTIVE);
        String thread = talk(handle, screen, "typed first, in the tui", "reply typed in the tui");

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.series()).isEqualTo(Series.started(thread));
        model.enqueue(Reply.text("reply to the task"));
        assertThat(await(handle.act(new Prompt("the task after the talk"))).result()).isEqualTo("reply to the task");
        assertThat(handle.series().id()).isEqualTo(thread);
        assertThat(texts(lastTurn())).containsSubsequence("typed first, in the tui", "reply typed in the tui",
                "the task after the talk");
    }

    @Test
    void aTalkWithNoTurnTypedLeavesTheSeriesUnstartedAndAnotherClonesLaterTalkIsNotTaken() throws Exception {
        handle.enboot(Mode.DISPATCH);
        handle.reboot(Mode.INTERACTIVE);
        awaitScreen(READY);
        handle.reboot(Mode.DISPATCH);
        assertThat(handle.series()).isEqualTo(Series.fresh(null));

        // A second clone of codex in the same zone, same CODEX_HOME and working directory, talks after the first one.
        BrainHandle other = new BrainHandle("mechanic.2", "handle-test/" + ProcessHandle.current().pid() + "/mechanic.2", new CodexBrain(), Series.fresh(null), () -> options);
        try {
            TuiScreen otherScreen = new TuiScreen(other);
            other.enboot(Mode.DISPATCH);
            other.reboot(Mode.INTERACTIVE);
            String othersThread = talk(other, otherScreen, "typed into the other clone", "the other clone's reply");
            other.reboot(Mode.DISPATCH);
            assertThat(other.series()).isEqualTo(Series.started(othersThread));

            // The first clone talks again, types nothing: the other's thread, begun since, is not its own.
            screen = new TuiScreen(handle); // the next TUI's screen only
            handle.reboot(Mode.INTERACTIVE);
            awaitScreen(READY);
            handle.reboot(Mode.DISPATCH);
            assertThat(handle.series()).isEqualTo(Series.fresh(null));

            // A task of its own begins a thread of its own.
            model.enqueue(Reply.text("a reply of its own"));
            assertThat(await(handle.act(new Prompt("a task of its own"))).result()).isEqualTo("a reply of its own");
            assertThat(handle.series().id()).isNotNull().isNotEqualTo(othersThread);
            assertThat(texts(lastTurn())).doesNotContain("typed into the other clone");
        } finally {
            other.kill();
        }
    }

    /** Types {@code prompt} into {@code tui}'s screen, waits for {@code reply}; the thread codex made for it. */
    private String talk(BrainHandle tui, TuiScreen on, String prompt, String reply) throws Exception {
        on.await(READY, WAIT);
        List<Path> before = rollouts();
        model.enqueue(Reply.text(reply));
        tui.write(prompt.getBytes(StandardCharsets.UTF_8));
        on.await(prompt, WAIT);
        tui.write("\r".getBytes(StandardCharsets.UTF_8));
        on.await(reply, WAIT);
        List<Path> made = rollouts();
        made.removeAll(before);
        assertThat(made).as("the rollouts the talk made").hasSize(1);
        // rollout-<time>-<thread id>.jsonl, the id a UUID
        String name = made.get(0).getFileName().toString();
        return name.substring(name.length() - ".jsonl".length() - 36, name.length() - ".jsonl".length());
    }

    private List<Path> rollouts() throws IOException {
        Path sessions = home.codexHome().resolve("sessions");
        if (!Files.isDirectory(sessions)) {
            return new ArrayList<>();
        }
        try (Stream<Path> files = Files.walk(sessions)) {
            return files.filter(f -> f.getFileName().toString().startsWith("rollout-")).collect(Collectors.toCollection(ArrayList::new));
        }
    }

    private RecordedRequest lastTurn() throws InterruptedException {
        List<RecordedRequest> turns = model.awaitTurns(1, WAIT);
        return turns.get(turns.size() - 1);
    }

    @Test
    void askCannotWriteAFileAndActCan() throws Exception {
        handle.enboot(Mode.DISPATCH);
        model.enqueue(Reply.toolCall("exec_command", Map.of("cmd", "echo from ask > from-ask.txt")), Reply.text("done asking"),
                Reply.toolCall("exec_command", Map.of("cmd", "echo from act > from-act.txt")), Reply.text("done acting"));

        assertThat(await(handle.ask(new Prompt("write a file, if you may"))).result()).isEqualTo("done asking");
        assertThat(zone.resolve("from-ask.txt")).doesNotExist();
        assertThat(await(handle.act(new Prompt("write a file"))).result()).isEqualTo("done acting");
        assertThat(zone.resolve("from-act.txt")).hasContent("from act");
    }

    @Test
    void kill9MidTurnIsACrashReportedOnceAndFailsTheTurn() throws Exception {
        handle.enboot(Mode.DISPATCH);
        model.enqueue(Reply.hang());
        CompletableFuture<TurnCompleted> turn = handle.act(new Prompt("this turn never ends"));
        model.awaitTurns(1, WAIT);
        long pid = handle.pid().orElseThrow();
        List<Long> tree = ProcessHandle.of(pid).orElseThrow().descendants().map(ProcessHandle::pid).toList();

        brain(pid).destroyForcibly();

        assertThatThrownBy(() -> turn.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TurnFailed.class)
                .satisfies(e -> assertThat(((TurnFailed) e).reason()).isEqualTo(TurnFailed.Reason.EXITED));
        assertThat(recorder.awaitExits(1, WAIT)).containsExactly(new Recorder.Exit(pid, 137, false));
        Thread.sleep(300); // nothing to wait for: a second report would come within this
        assertThat(recorder.exits()).as("the crash is reported once").hasSize(1);
        assertThat(handle.series().started()).isTrue(); // codex has the thread, so the task can run again on it

        handle.reboot(Mode.DISPATCH);
        model.enqueue(Reply.text("back again"));
        assertThat(await(handle.act(new Prompt("again"))).result()).isEqualTo("back again");
        handle.kill();
        assertThat(tree).noneMatch(Processes::running);
    }

    /**
     * The process that runs codex: npm's {@code codex} is a node script that, on a Node without
     * {@code process.execve} (before 22.15), runs the native binary as its child and mirrors its
     * exit. Killing the script with SIGKILL would orphan the native codex, which goes on with the
     * turn and keeps the thread's writer lock, so that every resume fails until it ends.
     */
    private static ProcessHandle brain(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
        return root.children().filter(c -> c.info().command().orElse("").endsWith("/codex")).findFirst().orElse(root);
    }

    private static List<String> texts(RecordedRequest request) {
        return request.conversation().stream().map(RecordedRequest.Message::text).toList();
    }

    private void awaitScreen(String text) throws InterruptedException {
        screen.await(text, WAIT);
    }
}
