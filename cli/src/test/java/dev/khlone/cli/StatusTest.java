package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.json.Json;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone status}: the zone, the crew as a tree, one task, and the JSON of each. */
class StatusTest {
    private static final String NL = System.lineSeparator();
    private static final long NOW = 1_750_000_000_000L;

    @TempDir
    Path tmp;

    Cli cli;
    Zone zone;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp).now(NOW);
        zone = new Locations(cli.home, cli.sockets).zoneAt(cli.zoneRoot);
    }

    /** mechanic.1 runs codex, which says what a turn used but never what it cost. */
    static final List<CloneInfo> CREW = List.of(
            new CloneInfo("foreman.1", "claude", CloneInfo.State.ACTIVE, "t-3f9a", NOW - 42_000, List.of("t-0001", "t-0002"),
                    12_000, 345, 0.0125, "ses-1", 4711, null),
            new CloneInfo("mechanic.1", "codex", CloneInfo.State.IDLE, null, 0, List.of(), 900, 80, null, "ses-2", 4712,
                    null),
            new CloneInfo("scout.1", "claude", CloneInfo.State.FAILED, null, 0, List.of(), 0, 0, 0.0, null, 0,
                    "crashed 5 times in 60 s: exit 137"));

    Function<Request, Reply> zoneWith(List<CloneInfo> clones) {
        return r -> new Reply.ZoneStatus(r.id(), zone.root().toString(), zone.id(), 4242, 192_000, "0.1.0", "foreman.1", clones);
    }

    static final TaskInfo TASK = new TaskInfo("t-3f9a", "foreman.1", TaskMode.ACT, "fix the flaky test\nand say why",
            TaskInfo.Status.DONE, 2, NOW - 60_000, NOW - 59_000, NOW - 47_000, "All green.", null, 1200, 350, 8000, 10,
            0.0125, 12_000, List.of(), null, null);

    @Test
    void theCrewIsATreeOfOneLinePerClone() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, zoneWith(CREW))) {
            Cli.Run r = cli.run("status");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("zone    " + zone.id() + "  " + zone.root() + NL
                    + "daemon  pid 4242, up 3m 12s, khlone 0.1.0" + NL
                    + "socket  " + cli.sockets.resolve("khlone-zone-" + zone.id() + ".sock") + NL
                    + "state   " + cli.home.resolve("zones").resolve(zone.id()) + NL);
            assertThat(r.out()).endsWith(""
                    + "crew    3 clones, 1 active, 2 queued" + NL
                    + "├─ ★ foreman.1   claude  active  t-3f9a 42s  2 queued  12.3k tokens  $0.0125" + NL
                    + "├─   mechanic.1  codex   idle    -           0 queued    980 tokens        —" + NL
                    + "└─   scout.1     claude  failed  -           0 queued      0 tokens  $0.0000  — crashed 5 times in 60 s: exit 137" + NL);
            assertThat(daemon.received()).containsExactly(new Request.Status(daemon.received().get(0).id(), null));
        }
    }

    @Test
    void atATerminalStatesAndNamesAreColouredAndTheColumnsStillLineUp() throws Exception {
        cli.atATerminal(Map.of("TERM", "xterm-256color"));
        try (FakeDaemon daemon = FakeDaemon.serving(cli, zoneWith(CREW))) {
            String out = cli.run("status").out();
            assertThat(out).contains("\u001b[32mactive\u001b[0m", "\u001b[1;31mfailed\u001b[0m", "\u001b[1mmechanic.1\u001b[0m");
            assertThat(out.replaceAll("\u001b\\[[0-9;]*m", "")).endsWith(""
                    + "├─ ★ foreman.1   claude  active  t-3f9a 42s  2 queued  12.3k tokens  $0.0125" + NL
                    + "├─   mechanic.1  codex   idle    -           0 queued    980 tokens        —" + NL
                    + "└─   scout.1     claude  failed  -           0 queued      0 tokens  $0.0000  — crashed 5 times in 60 s: exit 137" + NL);
        }
    }

    @Test
    void noColourUnderNoColorOrADumbTerminalOrWhenPiped() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, zoneWith(CREW))) {
            assertThat(cli.run("status").out()).doesNotContain("\u001b[");
            cli.atATerminal(Map.of("NO_COLOR", "1"));
            assertThat(cli.run("status").out()).doesNotContain("\u001b[");
            cli.atATerminal(Map.of("TERM", "dumb"));
            assertThat(cli.run("status").out()).doesNotContain("\u001b[");
        }
    }

    @Test
    void errorsAtATerminalSayKhloneInRedUnlessNoColor() {
        cli.atATerminal(Map.of());
        assertThat(cli.run("status", "--task", "").err()).startsWith("\u001b[1;31mkhlone:\u001b[0m --task needs a task id");
        cli.atATerminal(Map.of("NO_COLOR", "yes"));
        assertThat(cli.run("status", "--task", "").err()).startsWith("khlone: --task needs a task id");
    }

    @Test
    void anEmptyCrewSaysHowToEnrollTheHero() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, zoneWith(List.of()))) {
            Cli.Run r = cli.run("status");
            assertThat(r.out()).endsWith("crew    no clones yet — khlone act \"...\" enrolls the hero" + NL);
        }
    }

    @Test
    void whoIsSentToTheDaemonWhichPicksTheClones() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, zoneWith(CREW.subList(1, 2)))) {
            Cli.Run r = cli.run("status", "--who", "mechanic");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).endsWith("crew    1 clone, 0 active, 0 queued" + NL
                    + "└─   mechanic.1  codex  idle  -  0 queued  980 tokens  —" + NL);
            assertThat(((Request.Status) daemon.received().get(0)).who()).isEqualTo("mechanic");
        }
    }

    @Test
    void anUnknownCloneIsTheDaemonsErrorWithItsHint() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                r -> new Reply.Error(r.id(), "unknown-clone", "no clone mechanic.7", "the crew: foreman.1, mechanic.1"))) {
            Cli.Run r = cli.run("status", "--who", "mechanic.7");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("khlone: no clone mechanic.7" + NL + "  hint: the crew: foreman.1, mechanic.1" + NL);
        }
    }

    @Test
    void jsonCarriesTheZoneTheDaemonAndEveryCloneField() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, zoneWith(CREW))) {
            Cli.Run r = cli.run("status", "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            Map<String, Object> json = Json.parseObject(r.out());
            assertThat(json.get("zone")).isEqualTo(Map.of("id", zone.id(), "root", zone.root().toString()));
            assertThat(json).containsEntry("hero", "foreman.1");
            assertThat(json.get("daemon")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class)).containsEntry("pid", 4242L).containsEntry("uptimeMs", 192_000L);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> clones = (List<Map<String, Object>>) json.get("clones");
            assertThat(clones).hasSize(3);
            assertThat(clones.get(0)).containsOnlyKeys("slug", "brain", "state", "task", "taskStartedMs", "queue",
                    "inputTokens", "outputTokens", "costUsd", "series", "pid", "failure", "process");
            assertThat(clones.get(0)).containsEntry("slug", "foreman.1").containsEntry("state", "active")
                    .containsEntry("task", "t-3f9a").containsEntry("taskStartedMs", NOW - 42_000)
                    .containsEntry("queue", List.of("t-0001", "t-0002")).containsEntry("inputTokens", 12_000L)
                    .containsEntry("outputTokens", 345L).containsEntry("costUsd", 0.0125)
                    .containsEntry("series", "ses-1").containsEntry("pid", 4711L).containsEntry("failure", null);
            assertThat(clones.get(1)).as("codex says no cost: not known, not $0").containsEntry("costUsd", null);
            assertThat(clones.get(2)).containsEntry("state", "failed").containsEntry("task", null)
                    .containsEntry("failure", "crashed 5 times in 60 s: exit 137");
        }
    }

    @Test
    void oneTaskInFull() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskReport(r.id(), TASK))) {
            Cli.Run r = cli.run("status", "--task", "t-3f9a");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(String.join(NL,
                    "task      t-3f9a",
                    "clone     foreman.1",
                    "mode      act",
                    "status    done",
                    "attempts  2",
                    "prompt    fix the flaky test",
                    "          and say why",
                    "result    All green.",
                    "tokens    1,200 in, 350 out, 8,000 cache read, 10 cache write",
                    "cost      $0.0125",
                    "duration  12s in the brain",
                    "created   2025-06-15 15:05:40",
                    "started   2025-06-15 15:05:41",
                    "ended     2025-06-15 15:05:53") + NL);
            assertThat(daemon.received()).containsExactly(new Request.Task(daemon.received().get(0).id(), "t-3f9a"));
        }
    }

    @Test
    void aTasksBudgetIsShownBesideItsCostAndABrainThatReportsNoneIsSaidToBeUnbound() throws Exception {
        TaskInfo capped = TASK.withBudget(0.5);
        TaskInfo codex = TaskInfo.queued("t-2", "mechanic.1", TaskMode.ACT, "x", NOW - 10_000).withBudget(0.5).started(NOW - 9_000)
                .used(10, 5, 0, 0, null, 1_000).ended(TaskInfo.Status.DONE, "ok", null, NOW);
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskReport(r.id(),
                ((Request.Task) r).task().equals("t-3f9a") ? capped : codex))) {
            assertThat(cli.run("status", "--task", "t-3f9a").out()).contains("cost      $0.0125 of a $0.5000 budget" + NL);
            assertThat(Json.parseObject(cli.run("status", "--task", "t-3f9a", "--json").out())).containsEntry("budgetUsd", 0.5);
            assertThat(cli.run("status", "--task", "t-2").out())
                    .contains("cost      — (its brain reported no cost, as codex never does: its $0.5000 budget bound nothing)" + NL);
        }
    }

    @Test
    void aRunningTaskShowsHowLongItHasRunAndAFailedOneItsError() throws Exception {
        TaskInfo running = TaskInfo.queued("t-1", "mechanic.1", TaskMode.ASK, "why?", NOW - 100_000).started(NOW - 90_000);
        TaskInfo failed = running.interrupted("the brain exited with code 137").interrupted("the daemon died during it")
                .ended(TaskInfo.Status.FAILED, null, "the brain crashed 3 times", NOW);
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskReport(r.id(),
                ((Request.Task) r).task().equals("t-1") ? running : failed))) {
            Cli.Run r = cli.run("status", "--task", "t-1");
            assertThat(r.out()).contains("status    active" + NL).contains("duration  running for 1m 30s" + NL)
                    .contains("ended     -" + NL).doesNotContain("result").doesNotContain("error").doesNotContain("cut short");
            Cli.Run f = cli.run("status", "--task", "t-2");
            assertThat(f.out()).contains("status    failed" + NL).contains("error     the brain crashed 3 times" + NL)
                    .contains("cut short the brain exited with code 137; the daemon died during it" + NL);
            assertThat(Json.parseObject(cli.run("status", "--task", "t-2", "--json").out()))
                    .containsEntry("interruptions", List.of("the brain exited with code 137", "the daemon died during it"));
        }
    }

    @Test
    void oneTaskAsJson() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskReport(r.id(), TASK))) {
            Cli.Run r = cli.run("status", "--task", "t-3f9a", "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            Map<String, Object> json = Json.parseObject(r.out());
            assertThat(json).containsEntry("id", "t-3f9a").containsEntry("clone", "foreman.1").containsEntry("mode", "act")
                    .containsEntry("status", "done").containsEntry("attempts", 2L).containsEntry("result", "All green.")
                    .containsEntry("error", null).containsEntry("cacheReadTokens", 8000L).containsEntry("costUsd", 0.0125)
                    .containsEntry("durationMs", 12_000L).containsEntry("endedMs", NOW - 47_000);
        }
    }

    @Test
    void badOptionsAreUsageErrorsAndStartNothing() {
        Cli.Run who = cli.run("status", "--who", "Mechanic");
        assertThat(who.exitCode()).isEqualTo(2);
        assertThat(who.err()).startsWith("khlone: --who Mechanic: 'Mechanic' is not a clone");
        Cli.Run enroll = cli.run("status", "--who", "mechanic++");
        assertThat(enroll.exitCode()).isEqualTo(2);
        assertThat(enroll.err()).startsWith("khlone: --who mechanic++: '++' enrolls a clone, status only shows them" + NL);
        Cli.Run both = cli.run("status", "--who", "mechanic", "--task", "t-1");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("khlone: --task and --who do not go together" + NL);
        Cli.Run missing = cli.raw("status", "--task");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("khlone: missing required parameter for option '--task' (ID)" + System.lineSeparator() + "  hint: see khlone status --help");
        assertThat(cli.untouched()).isTrue();
    }
}
