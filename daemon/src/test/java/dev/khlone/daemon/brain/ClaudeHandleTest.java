package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.brain.claude.ClaudeBrain;
import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.ClaudeHome;
import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The handle running the real, pinned {@code claude} against the fake model server on 127.0.0.1. */
class ClaudeHandleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final FakeModelServer model = FakeModelServer.forTestClass();

    @TempDir
    Path tmp;
    Path zone;
    Options options;
    BrainHandle handle;
    Recorder recorder;
    TuiScreen screen;

    @BeforeEach
    void setUp() throws Exception {
        zone = Files.createDirectory(tmp.resolve("zone"));
        ClaudeHome home = ClaudeHome.seed(tmp.resolve("home"), zone, model.baseUrl());
        Map<String, String> env = new HashMap<>(home.environment());
        env.put("KHLONE_CLAUDE_BIN", Brains.claude().toString());
        ClaudeBrain brain = new ClaudeBrain();
        options = new Options(zone, null, List.of(), new Environment(env));
        handle = new BrainHandle("foreman.1", "handle-test/" + ProcessHandle.current().pid() + "/foreman.1", brain,
                brain.newSeries(), () -> options);
        recorder = new Recorder(handle);
        screen = new TuiScreen(handle);
    }

    @AfterEach
    void tearDown() {
        handle.kill();
    }

    private static TurnCompleted await(CompletableFuture<TurnCompleted> turn) throws Exception {
        return turn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void twoActsOnOneProcessBothCompleteAndTheSecondRequestCarriesTheFirstExchange() throws Exception {
        String series = handle.series().id();
        handle.enboot(Mode.DISPATCH);
        long pid = handle.pid().orElseThrow();
        model.enqueue(Reply.text("first reply"), Reply.text("second reply"));
        assertThat(await(handle.act(new Prompt("first prompt"))).result()).isEqualTo("first reply");
        TurnCompleted second = await(handle.act(new Prompt("second prompt")));
        assertThat(second.result()).isEqualTo("second reply");
        assertThat(second.usage().total()).isPositive();
        assertThat(handle.pid()).hasValue(pid);
        assertThat(handle.series().id()).isEqualTo(series);
        assertThat(handle.series().started()).isTrue();

        List<RecordedRequest> turns = model.awaitTurns(2, WAIT);
        assertThat(texts(turns.get(1))).containsSubsequence("first prompt", "first reply", "second prompt");
    }

    @Test
    void theTuiShowsTheConversationTakesATypedPromptAndDispatchThenSeesTheWholeHistory() throws Exception {
        handle.enboot(Mode.DISPATCH);
        long dispatchPid = handle.pid().orElseThrow();
        model.enqueue(Reply.text("reply before the tui"));
        await(handle.act(new Prompt("prompt before the tui")));

        handle.reboot(Mode.INTERACTIVE);
        long tuiPid = handle.pid().orElseThrow();
        assertThat(tuiPid).isNotEqualTo(dispatchPid);
        awaitScreen("reply before the tui");
        awaitScreen("❯");
        assertThat(screen.text()).contains("prompt before the tui");

        model.enqueue(Reply.text("reply typed in the tui"));
        handle.write("typed into the tui".getBytes(StandardCharsets.UTF_8));
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        awaitScreen("reply typed in the tui");

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.pid().orElseThrow()).isNotEqualTo(tuiPid).isNotEqualTo(dispatchPid);
        model.enqueue(Reply.text("reply after the tui"));
        assertThat(await(handle.act(new Prompt("prompt after the tui"))).result()).isEqualTo("reply after the tui");
        List<RecordedRequest> turns = model.awaitTurns(3, WAIT);
        assertThat(texts(turns.get(2))).containsSubsequence("prompt before the tui", "reply before the tui",
                "typed into the tui", "reply typed in the tui", "prompt after the tui");
        assertThat(recorder.exits()).hasSize(2).allMatch(Recorder.Exit::expected);
    }

    @Test
    void aSeriesBegunInTheTuiIsResumedByTheNextDispatch() throws Exception {
        handle.enboot(Mode.INTERACTIVE);
        awaitScreen("❯");
        model.enqueue(Reply.text("first words, in the tui"));
        handle.write("hello from the tui".getBytes(StandardCharsets.UTF_8));
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        awaitScreen("first words, in the tui");

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.series().started()).isTrue();
        assertThat(await(handle.act(new Prompt("and now dispatched"))).isError()).isFalse();
        assertThat(texts(model.awaitTurns(2, WAIT).get(1)))
                .containsSubsequence("hello from the tui", "first words, in the tui", "and now dispatched");
    }

    @Test
    void aSeriesBegunInATuiWhoseEndTheDaemonNeverSawIsResumedByTheNextHandle() throws Exception {
        Series fresh = handle.series();
        handle.enboot(Mode.INTERACTIVE);
        awaitScreen("❯");
        model.enqueue(Reply.text("first words, in the tui"));
        handle.write("hello from the tui".getBytes(StandardCharsets.UTF_8));
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        awaitScreen("first words, in the tui");
        handle.kill(); // the daemon stopped; its crew file still has the series as the talk found it

        BrainHandle restored = new BrainHandle("foreman.1", "handle-test/" + ProcessHandle.current().pid() + "/foreman.1", new ClaudeBrain(), fresh, () -> options);
        try {
            restored.enboot(Mode.DISPATCH);
            assertThat(restored.series()).isEqualTo(Series.started(fresh.id()));
            assertThat(await(restored.act(new Prompt("and now dispatched"))).isError()).isFalse();
            assertThat(texts(model.awaitTurns(2, WAIT).get(1)))
                    .containsSubsequence("hello from the tui", "first words, in the tui", "and now dispatched");
        } finally {
            restored.kill();
        }
    }

    @Test
    void askCannotWriteAFileAndActCan() throws Exception {
        handle.enboot(Mode.DISPATCH);
        Path askFile = zone.resolve("from-ask.txt");
        Path actFile = zone.resolve("from-act.txt");
        model.enqueue(Reply.toolCall("Write", Map.of("file_path", askFile.toString(), "content", "ask wrote this")),
                Reply.text("done asking"));
        await(handle.ask(new Prompt("write a file, if you may")));
        assertThat(askFile).doesNotExist();

        model.enqueue(Reply.toolCall("Write", Map.of("file_path", actFile.toString(), "content", "act wrote this")),
                Reply.text("done acting"));
        assertThat(await(handle.act(new Prompt("write a file"))).result()).isEqualTo("done acting");
        assertThat(actFile).hasContent("act wrote this");
    }

    @Test
    void anInjected401FailsTheTurnPromptlyWithTheApisMessage() throws Exception {
        handle.enboot(Mode.DISPATCH);
        model.enqueue(Reply.failure(401, "the key was revoked"));
        long start = System.nanoTime();
        TurnCompleted turn = await(handle.act(new Prompt("hello?")));
        assertThat(turn.isError()).isTrue();
        assertThat(turn.result()).contains("401").contains("the key was revoked");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void killMinus9IsACrashReportedOnceAndKillIsExpectedAndLeavesNoProcess() throws Exception {
        handle.enboot(Mode.DISPATCH);
        await(handle.act(new Prompt("warm up")));
        long pid = handle.pid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThat(recorder.awaitExits(1, WAIT)).containsExactly(new Recorder.Exit(pid, 137, false));

        handle.reboot(Mode.DISPATCH);
        await(handle.act(new Prompt("back again")));
        long second = handle.pid().orElseThrow();
        List<Long> tree = ProcessHandle.of(second).orElseThrow().descendants().map(ProcessHandle::pid).toList();
        handle.kill();
        List<Recorder.Exit> exits = recorder.awaitExits(2, WAIT);
        assertThat(exits.get(1).pid()).isEqualTo(second);
        assertThat(exits.get(1).expected()).isTrue();
        Thread.sleep(300);
        assertThat(recorder.exits()).as("each exit is reported once").hasSize(2);
        assertThat(Processes.running(second)).isFalse();
        assertThat(tree).noneMatch(Processes::running);
    }

    @Test
    void aTwelveKilobytePromptArrivesWholeInDispatchAndPastedIntoTheTui() throws Exception {
        String big = bigPrompt("dispatch");
        handle.enboot(Mode.DISPATCH);
        await(handle.act(new Prompt(big)));
        assertThat(model.awaitTurns(1, WAIT).get(0).prompt()).contains(big);

        handle.reboot(Mode.INTERACTIVE);
        awaitScreen("❯");
        String pasted = bigPrompt("tui");
        // The TUI enabled bracketed paste; a paste is how a person hands it a long text.
        handle.write(("\u001b[200~" + pasted + "\u001b[201~").getBytes(StandardCharsets.UTF_8));
        awaitScreen("[Pasted text #1");
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        List<RecordedRequest> turns = model.awaitTurns(2, WAIT);
        assertThat(turns.get(1).prompt()).contains(pasted);
    }

    private static String bigPrompt(String tag) {
        StringBuilder sb = new StringBuilder("begin " + tag + " ");
        for (int i = 0; sb.length() < 12 * 1024; i++) {
            sb.append("line ").append(i).append(" of a long prompt; ");
        }
        return sb.append("end ").append(tag).toString();
    }

    private static List<String> texts(RecordedRequest request) {
        return request.conversation().stream().map(RecordedRequest.Message::text).toList();
    }

    private void awaitScreen(String text) throws InterruptedException {
        screen.await(text, WAIT);
    }
}
