package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generic handle against the scripted fake brain, in both dispatch styles. */
class BrainHandleTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path tmp;
    Path zone;
    FakeBrain brain;
    BrainHandle handle;
    Recorder recorder;

    @BeforeEach
    void setUp() throws Exception {
        zone = Files.createDirectory(tmp.resolve("zone"));
        use(FakeBrain.persistent(tmp.resolve("brain")));
    }

    private void use(FakeBrain fake) {
        use(fake, System.getenv());
    }

    private void use(FakeBrain fake, Map<String, String> env) {
        brain = fake;
        handle = new BrainHandle("foreman.1", "handle-test/" + ProcessHandle.current().pid() + "/foreman.1", brain, brain.newSeries(), () -> Options.defaults(zone, env));
        recorder = new Recorder(handle);
    }

    @AfterEach
    void tearDown() {
        handle.kill();
    }

    private static TurnCompleted await(CompletableFuture<TurnCompleted> turn) throws Exception {
        return turn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void twoActsOnOneProcessBothCompleteOnTheSameSeries() throws Exception {
        handle.enboot(Mode.DISPATCH);
        long pid = handle.pid().orElseThrow();
        TurnCompleted first = await(handle.act(new Prompt("hello")));
        TurnCompleted second = await(handle.act(new Prompt("again")));
        assertThat(first.result()).isEqualTo("echo: hello");
        assertThat(second.result()).isEqualTo("echo: again");
        assertThat(first.usage().inputTokens()).isEqualTo(5);
        assertThat(first.costUsd()).isEqualTo(0.0015);
        assertThat(handle.pid()).hasValue(pid);
        assertThat(handle.series().started()).isTrue();
        assertThat(brain.history(handle.series().id())).containsExactly("hello", "again");
        assertThat(recorder.output()).contains("\"type\":\"done\"");
    }

    @Test
    void anIdleBrainOnPipesKeepsOnlyItsReadersAndItsNextPromptStillArrives() throws Exception {
        handle.enboot(Mode.DISPATCH);
        long pid = handle.pid().orElseThrow();
        await(handle.act(new Prompt("hello")));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!threadsOf(pid).equals(Set.of("reader", "stderr")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(threadsOf(pid)).containsExactlyInAnyOrder("reader", "stderr");
        assertThat(await(handle.act(new Prompt("again"))).result()).isEqualTo("echo: again");
        assertThat(brain.history(handle.series().id())).containsExactly("hello", "again");
    }

    /** What the daemon's threads for the process {@code pid} do, by their names' last word. */
    private static Set<String> threadsOf(long pid) {
        String mark = "-" + pid + "-";
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.contains(mark))
                .map(n -> n.substring(n.lastIndexOf('-') + 1)).collect(Collectors.toSet());
    }

    @Test
    void promptsAreRefusedWithAReasonWhenTheHandleCannotTakeThem() throws Exception {
        assertThatThrownBy(() -> handle.act(new Prompt("early"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("foreman.1 has no running brain");
        handle.enboot(Mode.DISPATCH);
        assertThatThrownBy(() -> handle.enboot(Mode.DISPATCH)).hasMessageContaining("already running");
        CompletableFuture<TurnCompleted> slow = handle.act(new Prompt("sleep 1 slow"));
        assertThatThrownBy(() -> handle.ask(new Prompt("meanwhile"))).hasMessageContaining("busy with a turn");
        assertThat(await(slow).result()).isEqualTo("slept 1: slow");

        handle.reboot(Mode.INTERACTIVE);
        assertThatThrownBy(() -> handle.act(new Prompt("now"))).hasMessageContaining("interactive mode");
        handle.kill();
        assertThat(handle.pid()).isEmpty();
        assertThatThrownBy(() -> handle.act(new Prompt("after"))).hasMessageContaining("has no running brain");
    }

    @Test
    void rebootToInteractiveAndBackKeepsTheConversationOnTheSameHandle() throws Exception {
        handle.enboot(Mode.DISPATCH);
        await(handle.act(new Prompt("one")));
        await(handle.act(new Prompt("two")));
        long dispatchPid = handle.pid().orElseThrow();
        String series = handle.series().id();

        handle.reboot(Mode.INTERACTIVE);
        long tuiPid = handle.pid().orElseThrow();
        assertThat(tuiPid).isNotEqualTo(dispatchPid);
        assertThat(handle.mode()).isEqualTo(Mode.INTERACTIVE);
        recorder.awaitOutput("fake tui, series " + series + ", 2 earlier turns", WAIT);
        handle.write("typed in the tui\r".getBytes());
        recorder.awaitOutput("tui echo: typed in the tui", WAIT);

        handle.reboot(Mode.DISPATCH);
        assertThat(handle.pid().orElseThrow()).isNotEqualTo(tuiPid).isNotEqualTo(dispatchPid);
        assertThat(await(handle.act(new Prompt("three"))).result()).isEqualTo("echo: three");
        assertThat(handle.series().id()).isEqualTo(series);
        assertThat(brain.history(series)).containsExactly("one", "two", "typed in the tui", "three");
        assertThat(recorder.exits()).allMatch(Recorder.Exit::expected).hasSize(2);
    }

    @Test
    void killMinus9DuringATurnFailsItAndIsReportedAsACrashExactlyOnce() throws Exception {
        handle.enboot(Mode.DISPATCH);
        CompletableFuture<TurnCompleted> turn = handle.act(new Prompt("sleep 30 never"));
        recorder.awaitEvent(e -> e instanceof BrainEvent.Text, WAIT);
        long pid = handle.pid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        assertThatThrownBy(() -> await(turn)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TurnFailed.class)
                .hasMessageContaining("fake exited with code 137 before the turn ended");
        assertThat(recorder.awaitExits(1, WAIT)).containsExactly(new Recorder.Exit(pid, 137, false));
        assertThat(handle.pid()).isEmpty();
        assertThatThrownBy(() -> handle.act(new Prompt("x"))).hasMessageContaining("process has exited: reboot it");

        handle.reboot(Mode.DISPATCH);
        assertThat(await(handle.act(new Prompt("back"))).result()).isEqualTo("echo: back");
        Thread.sleep(300);
        assertThat(recorder.exits()).as("the crash is reported once, the reboot of a dead process adds nothing").hasSize(1);
    }

    @Test
    void aBrainThatExitsMidTurnFailsTheTurnWithItsExitCode() throws Exception {
        handle.enboot(Mode.DISPATCH);
        assertThatThrownBy(() -> await(handle.act(new Prompt("crash"))))
                .hasMessageContaining("fake exited with code 3 before the turn ended");
        assertThat(recorder.awaitExits(1, WAIT).get(0).expected()).isFalse();
    }

    @Test
    void killIsAnExpectedExitAndLeavesNoProcessOfTheTreeEvenOneThatCalledSetsid() throws Exception {
        handle.enboot(Mode.DISPATCH);
        long pid = handle.pid().orElseThrow();
        String result = await(handle.act(new Prompt("orphan"))).result();
        long orphan = Long.parseLong(result.replace("orphan ", ""));
        assertThat(Processes.running(orphan)).isTrue();

        handle.kill();
        assertThat(recorder.awaitExits(1, WAIT)).containsExactly(new Recorder.Exit(pid, recorder.exits().get(0).code(), true));
        assertThat(Processes.running(pid)).isFalse();
        assertThat(Processes.running(orphan)).as("the setsid'd child is gone too").isFalse();
    }

    @Test
    void aFailureTheBrainReportsFailsTheTurnWithItsMessageAndAnErrorTurnCompletesAsAnError() throws Exception {
        handle.enboot(Mode.DISPATCH);
        assertThatThrownBy(() -> await(handle.act(new Prompt("fail the API said no"))))
                .hasRootCauseMessage("the API said no");
        TurnCompleted error = await(handle.act(new Prompt("error invalid x-api-key")));
        assertThat(error.isError()).isTrue();
        assertThat(error.result()).isEqualTo("invalid x-api-key");
        assertThat(handle.pid()).isPresent();
    }

    @Test
    void askAndActSwitchPermissionSetsBehindTheHandleOnTheSameSeries() throws Exception {
        handle.enboot(Mode.DISPATCH);
        Path allowed = zone.resolve("allowed.txt");
        Path refused = zone.resolve("refused.txt");
        assertThat(await(handle.act(new Prompt("write " + allowed))).result()).startsWith("wrote");
        long actPid = handle.pid().orElseThrow();
        assertThat(await(handle.ask(new Prompt("write " + refused))).result()).startsWith("not allowed");
        assertThat(allowed).exists();
        assertThat(refused).doesNotExist();
        assertThat(handle.pid().orElseThrow()).isNotEqualTo(actPid);
        assertThat(brain.history(handle.series().id())).hasSize(2);
    }

    @Test
    void listenersRegisteredOnceHearEveryProcessAcrossReboots() throws Exception {
        handle.enboot(Mode.DISPATCH);
        await(handle.act(new Prompt("before")));
        handle.reboot(Mode.DISPATCH);
        await(handle.act(new Prompt("after")));
        assertThat(recorder.output()).contains("echo: before").contains("echo: after");
        assertThat(recorder.events()).filteredOn(e -> e instanceof TurnCompleted).hasSize(2);
    }

    @Test
    void theTuiSeesItsTerminalSizeAndResizes() throws Exception {
        handle.resize(100, 30);
        handle.enboot(Mode.INTERACTIVE);
        recorder.awaitOutput("[30 100] > ", WAIT);
        handle.resize(132, 43);
        handle.write("\r".getBytes());
        recorder.awaitOutput("[43 132] > ", WAIT);
    }

    @Test
    void aLongPromptReachesTheBrainWholeInDispatch() throws Exception {
        handle.enboot(Mode.DISPATCH);
        String prompt = "x".repeat(12 * 1024) + " end";
        assertThat(await(handle.act(new Prompt(prompt))).result()).isEqualTo("echo: " + prompt);
    }

    @Test
    void perTaskBrainsRunOneProcessPerPromptAndLearnTheirSeriesFromTheFirst() throws Exception {
        use(FakeBrain.perTask(tmp.resolve("per-task")));
        handle.enboot(Mode.DISPATCH);
        assertThat(handle.pid()).isEmpty();
        assertThat(handle.series().id()).isNull();
        assertThat(await(handle.act(new Prompt("first"))).result()).isEqualTo("echo: first");
        String series = handle.series().id();
        assertThat(series).startsWith("fake-");
        assertThat(handle.series().started()).isTrue();
        assertThat(await(handle.ask(new Prompt("second"))).result()).isEqualTo("echo: second");
        assertThat(handle.series().id()).isEqualTo(series);
        assertThat(brain.history(series)).containsExactly("first", "second");
        assertThat(brain.pids()).hasSize(2).doesNotHaveDuplicates();
        assertThat(recorder.awaitExits(2, WAIT)).allMatch(Recorder.Exit::expected);
    }

    @Test
    void aPerTaskBrainKilledMidTurnIsACrash() throws Exception {
        use(FakeBrain.perTask(tmp.resolve("per-task")));
        handle.enboot(Mode.DISPATCH);
        CompletableFuture<TurnCompleted> turn = handle.act(new Prompt("sleep 30 zz"));
        recorder.awaitEvent(e -> e instanceof BrainEvent.Text, WAIT);
        ProcessHandle.of(handle.pid().orElseThrow()).orElseThrow().destroyForcibly();
        assertThatThrownBy(() -> await(turn)).hasMessageContaining("before the turn ended");
        assertThat(recorder.awaitExits(1, WAIT).get(0).expected()).isFalse();
    }

    @Test
    void aKillWhileARebootStopsABrainDeafToSigtermEndsAtOnceAndTheRebootStartsNothing() throws Exception {
        // The fake brain is bash: BASH_ENV runs this first. SIGTERM ignored is inherited by every child.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BASH_ENV", Files.writeString(tmp.resolve("deaf.sh"), "trap '' TERM\n").toString());
        use(FakeBrain.persistent(tmp.resolve("deaf")), env);
        handle.enboot(Mode.DISPATCH);
        CompletableFuture<TurnCompleted> turn = handle.act(new Prompt("sleep 60 deaf"));
        recorder.awaitEvent(e -> e instanceof BrainEvent.Text, WAIT);
        long deaf = handle.pid().orElseThrow();

        // Stopping it takes the grace after SIGTERM and then SIGKILL: seconds, for the reboot's thread only.
        CompletableFuture<Void> reboot = CompletableFuture.runAsync(() -> {
            try {
                handle.reboot(Mode.DISPATCH);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Await.within(Duration.ofSeconds(1), turn::isDone); // the reboot let go of the process and its turn
        long start = System.nanoTime();
        handle.kill(); // as a daemon that stops does, from its stopping thread
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the kill waited for nobody").isLessThan(Duration.ofSeconds(2));
        assertThat(Processes.running(deaf)).as("the kill ended the process the reboot was stopping").isFalse();
        assertThatThrownBy(() -> await(turn)).hasMessageContaining("fake was rebooted during the turn");

        assertThatThrownBy(() -> reboot.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasMessageContaining("foreman.1 was killed or rebooted again while its brain started");
        assertThat(handle.pid()).isEmpty();
        assertThat(brain.pids()).as("the reboot started no brain after the kill").containsExactly(deaf);
        assertThat(recorder.awaitExits(1, WAIT)).containsExactly(new Recorder.Exit(deaf, 137, true));
        assertThatThrownBy(() -> handle.act(new Prompt("after"))).hasMessageContaining("has no running brain");
    }
}
