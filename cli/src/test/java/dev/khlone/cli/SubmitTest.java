package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone act} and {@code ask}: what they send, what they print, how they exit. */
class SubmitTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
    }

    static TaskInfo queued(Request.Submit s) {
        return TaskInfo.queued("t-3f9a", "foreman.1", s.mode(), s.prompt(), 1_000);
    }

    /** Accepts every submit as t-3f9a on foreman.1, and ends awaited tasks with {@code end}. */
    static Function<Request, Reply> accepting(Function<TaskInfo, TaskInfo> end) {
        TaskInfo[] last = new TaskInfo[1];
        return r -> {
            if (r instanceof Request.Submit s) {
                last[0] = queued(s);
                return new Reply.Accepted(s.id(), last[0]);
            }
            if (r instanceof Request.Await a) {
                return new Reply.TaskEnded(a.id(), end.apply(last[0].started(2_000)));
            }
            throw new AssertionError("unexpected " + r);
        };
    }

    @Test
    void actPrintsTheTaskAndItsCloneAndSendsWhatTheUserAsked() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, accepting(t -> t))) {
            Cli.Run r = cli.run("act", "fix", "the", "flaky", "test", "--who", "mechanic@codex", "--prioritize",
                    "--when", "disrupt");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("✓ t-3f9a → foreman.1" + NL);
            assertThat(r.err()).isEmpty();
            assertThat(daemon.received()).singleElement().isInstanceOfSatisfying(Request.Submit.class, s -> {
                assertThat(s.mode()).isEqualTo(TaskMode.ACT);
                assertThat(s.prompt()).isEqualTo("fix the flaky test");
                assertThat(s.who()).isEqualTo("mechanic@codex");
                assertThat(s.placement()).as("disrupt puts it first, and more").isEqualTo(Placement.DISRUPT);
            });
        }
    }

    @Test
    void askDefaultsToTheHeroQueuedInOrder() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, accepting(t -> t))) {
            Cli.Run r = cli.run("ask", "why is the build slow?");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("✓ t-3f9a → foreman.1" + NL);
            Request.Submit s = (Request.Submit) daemon.received().get(0);
            assertThat(s.mode()).isEqualTo(TaskMode.ASK);
            assertThat(s.who()).isNull();
            assertThat(s.placement()).isEqualTo(Placement.LAST);
        }
    }

    @Test
    void budgetSendsTheCapInDollarsAndAnAmountThatIsNoneIsRefusedBeforeAnyDaemon() throws Exception {
        for (String bad : new String[] {"lots", "0", "-1", "1e3", "0.5.0"}) {
            Cli.Run r = cli.run("act", "--budget", bad, "fix it");
            assertThat(r.exitCode()).as(bad).isEqualTo(2);
            assertThat(r.err()).startsWith("khlone: --budget " + bad + " is not an amount of dollars")
                    .contains("hint: give one more than 0, e.g. --budget 0.50");
        }
        assertThat(cli.untouched()).isTrue();
        try (FakeDaemon daemon = FakeDaemon.serving(cli, accepting(t -> t))) {
            assertThat(cli.run("ask", "--budget", "$0.50", "why?").exitCode()).isZero();
            assertThat(cli.run("act", "no cap").exitCode()).isZero();
            assertThat(daemon.received()).extracting(r -> ((Request.Submit) r).budget()).containsExactly(0.5, null);
        }
    }

    @Test
    void prioritizePutsTheTaskFirstWithoutInterrupting() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, accepting(t -> t))) {
            Cli.Run r = cli.run("act", "--prioritize", "urgent");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(((Request.Submit) daemon.received().get(0)).placement()).isEqualTo(Placement.FIRST);
        }
    }

    @Test
    void thePromptComesFromStdinForADashOrWhenStdinIsAPipe() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, accepting(t -> t))) {
            assertThat(cli.stdin("line one\nline two\n").run("act", "-").exitCode()).isZero();
            assertThat(cli.stdin("from a pipe\n").run("ask").exitCode()).isZero();
            assertThat(daemon.received()).extracting(r -> ((Request.Submit) r).prompt())
                    .containsExactly("line one\nline two", "from a pipe");
        }
    }

    @Test
    void awaitPrintsOnlyTheResultOnStdoutAndExits0WhenDone() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                accepting(t -> t.ended(TaskInfo.Status.DONE, "42 tests pass", null, 3_000)))) {
            Cli.Run r = cli.run("act", "run the tests", "--await");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("42 tests pass" + NL);
            assertThat(r.err()).isEqualTo("✓ t-3f9a → foreman.1" + NL);
            assertThat(daemon.received()).hasSize(2).last()
                    .isEqualTo(new Request.Await(daemon.received().get(1).id(), "t-3f9a"));
        }
    }

    @Test
    void awaitPrintsAResultsTerminalEscapesInert() throws Exception {
        String hostile = "done\033]0;owned\007\033]52;c;cm0gLXJmIH4=\007\033[2J";
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                accepting(t -> t.ended(TaskInfo.Status.DONE, hostile, null, 3_000)))) {
            Cli.Run r = cli.run("act", "run the tests", "--await");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("done" + NL);
        }
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                accepting(t -> t.ended(TaskInfo.Status.FAILED, null, "bad\033]0;owned\007 news", 3_000)))) {
            Cli.Run r = cli.run("act", "run the tests", "--await");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("khlone: t-3f9a failed: bad news").doesNotContain("\033");
        }
    }

    @Test
    void onATerminalTheProgressLineGoesToStderrAndIsClearedStdoutStaysTheResult() throws Exception {
        CountDownLatch progressShown = new CountDownLatch(1);
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> {
            if (r instanceof Request.Await a) {
                try { // the task runs on until the test has seen the progress line
                    progressShown.await(Cli.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Reply.TaskEnded(a.id(), TaskInfo.queued("t-3f9a", "foreman.1", TaskMode.ASK, "q", 1)
                        .started(2).ended(TaskInfo.Status.DONE, "the answer", null, 3));
            }
            return accepting(t -> t).apply(r);
        })) {
            Cli.Running ask = cli.stderrIsTerminal().start("ask", "q", "--await", "--zone", cli.zoneRoot.toString());
            ask.awaitErr("\r⠋ t-3f9a on foreman.1 · 0s");
            progressShown.countDown();
            Cli.Run r = ask.awaitExit();
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("the answer" + NL);
            assertThat(r.err()).contains("\r⠋ t-3f9a on foreman.1 · 0s").endsWith("\r\033[K");
        }
    }

    @Test
    void awaitExits1WithTheReasonWhenTheTaskFails() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                accepting(t -> t.ended(TaskInfo.Status.FAILED, "half done", "the brain crashed 3 times", 3_000)))) {
            Cli.Run r = cli.run("act", "run the tests", "--await");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("✓ t-3f9a → foreman.1" + NL
                    + "khlone: t-3f9a failed: the brain crashed 3 times" + NL
                    + "  hint: khlone log --task t-3f9a shows what it did" + NL);
        }
    }

    @Test
    void aFailedTaskWithoutAnErrorGivesItsResultAsTheReason() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                accepting(t -> t.ended(TaskInfo.Status.FAILED, "max turns reached", null, 3_000)))) {
            Cli.Run r = cli.run("ask", "why?", "--await");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("khlone: t-3f9a failed: max turns reached" + NL);
        }
    }

    @Test
    void awaitExits1WhenTheTaskIsCancelled() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                accepting(t -> t.ended(TaskInfo.Status.CANCELLED, null, null, 3_000)))) {
            Cli.Run r = cli.run("act", "run the tests", "--await");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("khlone: t-3f9a was cancelled" + NL);
        }
    }

    @Test
    void aRefusalOfTheDaemonPrintsItsMessageAndHintAndExits1() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.Error(r.id(), "brain-mismatch",
                "mechanic.1 runs claude, not codex", "leave out @codex, or enroll a new one: --who mechanic@codex++"))) {
            Cli.Run r = cli.run("act", "x", "--who", "mechanic.1@codex");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("khlone: mechanic.1 runs claude, not codex" + NL
                    + "  hint: leave out @codex, or enroll a new one: --who mechanic@codex++" + NL);
        }
    }

    @Test
    void anEmptyPromptIsAUsageErrorAndStartsNothing() {
        for (Cli.Run r : new Cli.Run[] {cli.run("act", "  "), cli.stdin("\n \n").run("ask", "-"),
                cli.stdin("").run("act")}) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).startsWith("khlone: the prompt is empty" + NL + "  hint: say what to do: khlone ");
        }
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void noPromptFromATerminalIsAUsageError() {
        Cli.Run r = cli.run("ask");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("khlone: no prompt" + NL
                + "  hint: say what to do: khlone ask \"...\", or pipe it in: ... | khlone ask -" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void aBadWhoIsAUsageErrorWithTheGrammar() {
        Cli.Run r = cli.run("act", "x", "--who", "Mechanic");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("khlone: --who Mechanic: 'Mechanic' is not a clone: write [role][.n][@brain][++],"
                + " e.g. mechanic, mechanic.2, scout@codex or mechanic++ (roles and brains in lower case)" + NL
                + "  hint: khlone status lists the crew" + NL);
        Cli.Run numbered = cli.run("ask", "x", "--who", "mechanic.2++");
        assertThat(numbered.exitCode()).isEqualTo(2);
        assertThat(numbered.err()).startsWith("khlone: --who mechanic.2++: '++' enrolls a new clone, so it takes no number" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void aBadWhenIsAUsageError() {
        Cli.Run r = cli.run("act", "x", "--when", "now");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("khlone: invalid value for option '--when': expected one of [queue, disrupt]"
                + " (case-sensitive) but was 'now'" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void aPromptOverTheFrameLimitIsRefusedBeforeAnythingStarts() {
        Cli.Run r = cli.stdin("x".repeat(1 << 20)).run("act", "-");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("khlone: the prompt is too large: 1048576 bytes" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void onlyOneWayOfFollowingTheTaskAndNowOnlyWithTalk() {
        Cli.Run both = cli.run("act", "x", "--await", "--watch");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("khlone: --await, --watch and --talk each say how to follow the task; pick one" + NL
                + "  hint: --await prints the result, --watch shows the work live, --talk opens the clone's TUI" + NL);
        Cli.Run now = cli.run("ask", "x", "--now");
        assertThat(now.exitCode()).isEqualTo(2);
        assertThat(now.err()).startsWith("khlone: --now goes with --talk" + NL);
        assertThat(cli.untouched()).isTrue();
    }
}
