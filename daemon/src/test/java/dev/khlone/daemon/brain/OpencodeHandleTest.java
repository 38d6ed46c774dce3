package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.brain.opencode.OpencodeBrain;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.OpencodeHome;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handle running the real, pinned {@code opencode} against the fake model server's Chat
 * Completions on 127.0.0.1. One test, one clone's life, because every opencode process costs
 * 2–4 s and about 550 MB.
 */
class OpencodeHandleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * opencode's TUI asks the terminal for its name (XTVERSION, {@code CSI > 0 q}) and takes no
     * keys until it has an answer or, about 5 s later, gives up; a person's terminal answers at
     * once. This is what xterm answers.
     */
    private static final String XTVERSION_QUERY = "\u001b[>0q";
    private static final String XTVERSION_ANSWER = "\u001bP>|xterm(388)\u001b\\";
    /** On a fresh TUI's screen once it takes keys. */
    private static final String READY = "Ask anything";
    @RegisterExtension
    static final FakeModelServer model = FakeModelServer.forTestClass();

    @TempDir
    Path tmp;
    BrainHandle handle;
    Recorder recorder;
    TuiScreen screen;

    @BeforeEach
    void setUp() throws Exception {
        Path zone = Files.createDirectory(tmp.resolve("zone"));
        OpencodeHome home = OpencodeHome.seed(tmp.resolve("home"), zone, model.baseUrl());
        Map<String, String> env = new HashMap<>(home.environment());
        env.put("KHLONE_OPENCODE_BIN", Brains.opencode().toString());
        OpencodeBrain brain = new OpencodeBrain();
        handle = new BrainHandle("researcher.1", "handle-test/" + ProcessHandle.current().pid() + "/researcher.1", brain, brain.newSeries(),
                () -> new Options(zone, null, List.of(), new Environment(env)));
        recorder = new Recorder(handle);
        screen = new TuiScreen(handle);
        handle.onData((bytes, offset, length) -> {
            if (handle.mode() == Mode.INTERACTIVE) {
                if (new String(bytes, offset, length, StandardCharsets.ISO_8859_1).contains(XTVERSION_QUERY)) {
                    handle.write(XTVERSION_ANSWER.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        });
    }

    @AfterEach
    void tearDown() {
        handle.kill();
    }

    @Test
    void dispatchThenTheTuiThenDispatchAgainKeepTheSeriesAndAKillMinus9IsOneCrash() throws Exception {
        handle.enboot(Mode.DISPATCH);
        long dispatchPid = handle.pid().orElseThrow();
        model.enqueue(Reply.text("first reply"), Reply.text("second reply"));
        assertThat(await(handle.act(new Prompt("first prompt"))).result()).isEqualTo("first reply");
        TurnCompleted second = await(handle.act(new Prompt("second prompt")));
        assertThat(second.result()).isEqualTo("second reply");
        assertThat(second.costUsd()).isPositive();
        assertThat(handle.pid()).hasValue(dispatchPid);
        assertThat(handle.series().started()).isTrue();
        String series = handle.series().id();
        assertThat(texts(model.awaitTurns(2, WAIT).get(1)))
                .containsExactly("first prompt", "first reply", "second prompt");

        handle.reboot(Mode.INTERACTIVE);
        long tuiPid = handle.pid().orElseThrow();
        awaitScreen("second reply");
        assertThat(screen.text()).contains("first prompt", "first reply", "second prompt");
        assertThatThrownBy(() -> handle.act(new Prompt("not now"))).isInstanceOf(IllegalStateException.class);
        model.enqueue(Reply.text("reply typed in the tui"));
        handle.write("typed into the tui".getBytes(StandardCharsets.UTF_8));
        awaitScreen("typed into the tui");
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        awaitScreen("reply typed in the tui");

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.pid().orElseThrow()).isNotEqualTo(tuiPid).isNotEqualTo(dispatchPid);
        assertThat(handle.series().id()).isEqualTo(series);
        model.enqueue(Reply.text("reply after the tui"));
        assertThat(await(handle.ask(new Prompt("prompt after the tui"))).result()).isEqualTo("reply after the tui");
        assertThat(texts(model.awaitTurns(4, WAIT).get(3))).containsExactly("first prompt", "first reply",
                "second prompt", "second reply", "typed into the tui", "reply typed in the tui", "prompt after the tui");
        assertThat(recorder.exits()).hasSize(2).allMatch(Recorder.Exit::expected);

        model.enqueue(Reply.hang());
        CompletableFuture<TurnCompleted> hung = handle.act(new Prompt("a turn that will be cut short"));
        model.awaitTurns(5, WAIT);
        long pid = handle.pid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThatThrownBy(() -> await(hung)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TurnFailed.class)
                .satisfies(e -> assertThat(((TurnFailed) e).reason()).isEqualTo(TurnFailed.Reason.EXITED));
        assertThat(recorder.awaitExits(3, WAIT).get(2)).isEqualTo(new Recorder.Exit(pid, 137, false));
        Thread.sleep(300);
        assertThat(recorder.exits()).as("the crash is reported once").hasSize(3);
    }

    @Test
    void aSessionBegunInTheTuiIsTheOneTheNextTaskResumesAndATalkWithNoTurnBeginsNone() throws Exception {
        // The person talks before the dispatch process has had opencode name a session (it takes seconds).
        handle.enboot(Mode.DISPATCH);
        handle.reboot(Mode.INTERACTIVE);
        awaitScreen(READY);
        handle.reboot(Mode.DISPATCH); // left without a word
        assertThat(handle.series()).isEqualTo(Series.fresh(null));

        screen = new TuiScreen(handle); // the next TUI's screen only
        handle.reboot(Mode.INTERACTIVE);
        awaitScreen(READY);
        model.enqueue(Reply.text("reply typed in the tui"));
        handle.write("typed first, in the tui".getBytes(StandardCharsets.UTF_8));
        awaitScreen("typed first, in the tui");
        handle.write("\r".getBytes(StandardCharsets.UTF_8));
        awaitScreen("reply typed in the tui");

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.series().started()).isTrue();
        String series = handle.series().id();
        model.enqueue(Reply.text("reply to the task"));
        assertThat(await(handle.act(new Prompt("the task after the talk"))).result()).isEqualTo("reply to the task");
        assertThat(handle.series().id()).isEqualTo(series);
        List<RecordedRequest> turns = model.awaitTurns(2, WAIT);
        assertThat(texts(turns.get(turns.size() - 1))).containsExactly("typed first, in the tui", "reply typed in the tui",
                "the task after the talk");
    }

    private static TurnCompleted await(CompletableFuture<TurnCompleted> turn) throws Exception {
        return turn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static List<String> texts(RecordedRequest request) {
        return request.conversation().stream().map(RecordedRequest.Message::text).toList();
    }

    private void awaitScreen(String text) throws InterruptedException {
        screen.await(text, WAIT);
    }
}
