package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone tasks}: the zone's tasks as rows, newest first, or as JSON. */
class TasksTest {
    private static final String NL = System.lineSeparator();
    private static final long NOW = 1_750_000_000_000L;

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp).now(NOW);
    }

    static final TaskInfo RUNNING = TaskInfo.queued("t-3f9a", "foreman.1", TaskMode.ACT, "fix the flaky test\nand say why", NOW - 42_000)
            .started(NOW - 40_000);
    static final TaskInfo QUEUED = TaskInfo.queued("t-0002", "foreman.1", TaskMode.ASK, "x".repeat(80), NOW - 5_000);
    static final TaskInfo DONE = TaskInfo.queued("t-77ab", "mechanic.1", TaskMode.ASK, "why is the build slow?", NOW - 7_500_000)
            .started(NOW - 7_400_000).ended(TaskInfo.Status.DONE, "it is not", null, NOW - 7_000_000);

    @Test
    void oneRowPerTaskWithItsCloneStateAgeAndThePromptsFirstLine() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskList(r.id(), List.of(QUEUED, RUNNING, DONE)))) {
            Cli.Run r = cli.run("tasks");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(""
                    + "TASK    CLONE       STATE   AGE    PROMPT" + NL
                    + "t-0002  foreman.1   queued  5s     " + "x".repeat(59) + "…" + NL
                    + "t-3f9a  foreman.1   active  42s    fix the flaky test…" + NL
                    + "t-77ab  mechanic.1  done    2h 5m  why is the build slow?" + NL);
            assertThat(daemon.received()).containsExactly(new Request.Tasks(daemon.received().get(0).id(), null, 10));
        }
    }

    @Test
    void whoAllAndNGoToTheDaemon() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskList(r.id(), List.of()))) {
            assertThat(cli.run("tasks", "--who", "mechanic@codex").out()).isEqualTo("no task of --who mechanic@codex" + NL);
            assertThat(cli.run("tasks", "--all").out()).isEqualTo("no tasks yet — khlone act \"...\" gives the hero one" + NL);
            cli.run("tasks", "-n", "3");
            cli.run("tasks", "scout.2");
            assertThat(daemon.received()).extracting(r -> (Request.Tasks) r)
                    .extracting(t -> t.who() + " " + t.ended())
                    .containsExactly("mechanic@codex 10", "null " + Integer.MAX_VALUE, "null 3", "scout.2 10");
        }
    }

    @Test
    void jsonCarriesEveryTaskFieldWithCostsRoundedForPeople() throws Exception {
        TaskInfo costly = DONE.used(10, 20, 0, 0, 0.0024999999999999996, 1000);
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskList(r.id(), List.of(costly)))) {
            String out = cli.run("tasks", "--json").out();
            assertThat(out).contains("\"id\" : \"t-77ab\"", "\"clone\" : \"mechanic.1\"", "\"status\" : \"done\"",
                    "\"costUsd\" : 0.0025", "\"prompt\" : \"why is the build slow?\"");
        }
    }

    @Test
    void atATerminalStatesAreColoured() throws Exception {
        cli.atATerminal(Map.of());
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskList(r.id(), List.of(RUNNING)))) {
            assertThat(cli.run("tasks").out()).contains("\u001b[32mactive\u001b[0m");
        }
    }

    @Test
    void badOptionsAreUsageErrorsAndReachNoDaemon() {
        assertThat(cli.run("tasks", "-n", "-1").err()).startsWith("khlone: -n -1: a count cannot be negative" + NL);
        assertThat(cli.run("tasks", "--who", "mechanic++").err()).startsWith("khlone: --who mechanic++: '++' enrolls a clone");
        assertThat(cli.untouched()).isTrue();
    }
}
