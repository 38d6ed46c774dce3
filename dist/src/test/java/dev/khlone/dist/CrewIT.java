package dev.khlone.dist;

import static dev.khlone.dist.BrainZone.decimal;
import static dev.khlone.dist.BrainZone.number;
import static dev.khlone.dist.BrainZone.slow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** act, ask, status, log and cancel as a user meets them, with each real brain behind the daemon. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"claude", "codex", "opencode"})
class CrewIT {
    @Parameter
    String brain;

    BrainZone zone;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone(brain);
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    /** The prompt of an attempt after an interrupted one: the brain is told, and why, before the task itself. */
    private static void assertRerun(String given, String prompt, String why) {
        assertThat(given).startsWith("(khlone: an earlier attempt at this task was interrupted before it finished (" + why)
                .contains("Check what it already did before you redo anything.)").endsWith("\n\n" + prompt);
    }

    private List<String> prompts() {
        return zone.model.turns().stream().map(RecordedRequest::prompt).toList();
    }

    @Test
    void actAwaitPrintsTheReplyAndExits0AndAnApiErrorExits1WithTheReason() {
        zone.model.enqueue(Reply.text("the fake model says hello"));
        Result ok = zone.run("act", "--await", "say hello");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).isEqualTo("the fake model says hello\n");
        assertThat(ok.err()).startsWith("✓ t-").contains("→ foreman.1");

        zone.model.enqueue(Reply.failure(401, "the key was revoked"));
        Result failed = zone.run("ask", "--await", "hello again");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err()).contains("failed: ").contains("the key was revoked");
    }

    @Test
    void threeActsToOneCloneReachTheModelInOrderOneAtATime() throws Exception {
        zone.model.enqueue(slow("one", Duration.ofMillis(800)), slow("two", Duration.ofMillis(800)), Reply.text("three"));
        String a = zone.submit("act", "first task");
        String b = zone.submit("act", "second task");
        String c = zone.submit("act", "third task");
        Map<String, Object> tc = zone.awaitStatus(c, "done");
        Map<String, Object> ta = zone.task(a);
        Map<String, Object> tb = zone.task(b);
        assertThat(prompts()).containsExactly("first task", "second task", "third task");
        assertThat(number(tb, "startedMs")).isGreaterThanOrEqualTo(number(ta, "endedMs"));
        assertThat(number(tc, "startedMs")).isGreaterThanOrEqualTo(number(tb, "endedMs"));
        assertThat(List.of(ta.get("clone"), tb.get("clone"), tc.get("clone"))).containsOnly("foreman.1");
    }

    @Test
    void aNewCloneEnrolledWithPlusPlusWorksInParallelWithTheHero() throws Exception {
        zone.model.enqueue(slow("hero reply", Duration.ofSeconds(6)), slow("mechanic reply", Duration.ofSeconds(6)));
        String hero = zone.submit("act", "hero task");
        zone.awaitStatus(hero, "active");
        String mech = zone.submit("act", "--who", "mechanic++", "mechanic task");
        Map<String, Object> m = zone.awaitStatus(mech, "done");
        Map<String, Object> h = zone.awaitStatus(hero, "done");
        assertThat(m.get("clone")).isEqualTo("mechanic.1");
        assertThat(number(m, "startedMs")).isLessThan(number(h, "endedMs"));
        Result status = zone.ok("status");
        assertThat(status.out()).contains("foreman.1").contains("mechanic.1");
    }

    @Test
    void prioritizeRunsNextAndDisruptInterruptsAndRunsTheInterruptedTaskAgainAfter() throws Exception {
        zone.model.enqueue(slow("busy", Duration.ofSeconds(3)));
        String busy = zone.submit("act", "busy");
        zone.awaitStatus(busy, "active");
        String later = zone.submit("act", "later");
        String urgent = zone.submit("act", "--prioritize", "urgent");
        zone.awaitStatus(later, "done");
        assertThat(zone.task(urgent).get("status")).isEqualTo("done");
        assertThat(prompts()).containsExactly("busy", "urgent", "later");

        zone.model.reset();
        zone.model.enqueue(slow("long", Duration.ofSeconds(20)));
        String long1 = zone.submit("act", "long");
        String queued = zone.submit("act", "queued");
        zone.awaitStatus(long1, "active");
        zone.model.awaitTurns(1, BrainZone.WAIT);
        String now = zone.submit("act", "--when", "disrupt", "now");
        zone.awaitStatus(queued, "done");
        assertThat(zone.task(now).get("status")).isEqualTo("done");
        Map<String, Object> l = zone.task(long1);
        assertThat(l.get("status")).isEqualTo("done");
        assertThat(number(l, "attempts")).isEqualTo(2);
        assertThat(prompts()).hasSize(4).satisfiesExactly(p -> assertThat(p).isEqualTo("long"),
                p -> assertThat(p).isEqualTo("now"), p -> assertRerun(p, "long", "a person had " + now + " run first"),
                p -> assertThat(p).isEqualTo("queued"));
    }

    @Test
    void cancelOfAQueuedAndOfARunningTask() throws Exception {
        zone.model.enqueue(Reply.hang());
        String running = zone.submit("act", "hang forever");
        String queued = zone.submit("act", "never runs");
        String after = zone.submit("act", "runs after");
        zone.awaitStatus(running, "active");
        zone.model.awaitTurns(1, BrainZone.WAIT);
        assertThat(zone.ok("cancel", queued).out()).contains("cancelled " + queued + " (was queued)");
        assertThat(zone.ok("cancel", running).out()).contains("cancelled " + running + " (was running)");
        assertThat(zone.awaitStatus(after, "done").get("result")).isEqualTo("echo: runs after");
        assertThat(prompts()).containsExactly("hang forever", "runs after");
        Result again = zone.run("cancel", after);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("has already ended (done)");
    }

    @Test
    void killMinus9OfTheBrainDuringASlowTurnEndsTheTaskOnceWithTwoAttemptsAndTheAwaitingClientGetsIt()
            throws Exception {
        zone.model.enqueue(slow("too slow", Duration.ofSeconds(20)));
        Process awaiting = zone.khlone.command(zone.dir, "act", "--await", "survive a crash")
                .redirectErrorStream(false).start();
        zone.model.awaitTurns(1, BrainZone.WAIT);
        long pid = number(zone.clones().get(0), "pid");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        assertThat(awaiting.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(awaiting.getInputStream().readAllBytes());
        assertThat(awaiting.exitValue()).as(out).isZero();
        assertThat(out).startsWith("echo: ").endsWith("\n");
        assertRerun(out.substring("echo: ".length(), out.length() - 1), "survive a crash", "the brain exited with code");
        String id = new String(awaiting.getErrorStream().readAllBytes()).replaceAll("(?s).*(t-[0-9a-f]+).*", "$1");
        Map<String, Object> task = zone.task(id);
        assertThat(task.get("status")).isEqualTo("done");
        assertThat(number(task, "attempts")).isEqualTo(2);
        assertThat(number(zone.clones().get(0), "pid")).isNotEqualTo(pid);
    }

    @Test
    void killMinus9OfTheDaemonLosesNoQueuedTaskAndRunsNoneTwice() throws Exception {
        zone.model.enqueue(Reply.hang());
        String blocking = zone.submit("act", "blocking");
        String a = zone.submit("act", "task a");
        String b = zone.submit("act", "task b");
        String c = zone.submit("act", "task c");
        zone.awaitStatus(blocking, "active");
        zone.model.awaitTurns(1, BrainZone.WAIT);
        long daemon = zone.khlone.daemonPid(zone.khlone.zone(zone.dir)).orElseThrow();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        assertThat(KhloneHarness.awaitExit(daemon, Duration.ofSeconds(10))).isTrue();

        zone.ok("status");
        for (String id : List.of(blocking, a, b, c)) {
            assertThat(zone.awaitStatus(id, "done").get("clone")).isEqualTo("foreman.1");
        }
        assertThat(prompts()).hasSize(5).satisfiesExactly(p -> assertThat(p).isEqualTo("blocking"),
                p -> assertRerun(p, "blocking", "the daemon died during it"), p -> assertThat(p).isEqualTo("task a"),
                p -> assertThat(p).isEqualTo("task b"), p -> assertThat(p).isEqualTo("task c"));
    }

    @Test
    void statusJsonCarriesTokensAndCostAndLogWorksWithTheDaemonStopped() throws Exception {
        zone.model.enqueue(Reply.text("counted").withUsage(new Reply.Usage(1234, 56)));
        Result done = zone.ok("act", "--await", "count me");
        String id = done.err().replaceAll("(?s).*(t-[0-9a-f]+).*", "$1");
        Map<String, Object> task = zone.task(id);
        long in = number(task, "inputTokens") + number(task, "cacheReadTokens") + number(task, "cacheWriteTokens");
        assertThat(in).isPositive();
        assertThat(number(task, "outputTokens")).isPositive();
        Map<String, Object> clone = zone.clones().get(0);
        assertThat(number(clone, "inputTokens")).isEqualTo(in);
        assertThat(number(clone, "outputTokens")).isEqualTo(number(task, "outputTokens"));
        if (brain.equals("codex")) { // codex says what a turn used but not what it cost: unknown, not $0
            assertThat(task.get("costUsd")).isNull();
            assertThat(clone.get("costUsd")).isNull();
            assertThat(zone.ok("status").out()).containsPattern("foreman\\.1 .* tokens +—");
        } else {
            assertThat(decimal(task, "costUsd")).isPositive();
            assertThat(decimal(clone, "costUsd")).isEqualTo(decimal(task, "costUsd"));
        }

        zone.ok("daemon", "stop");
        Result log = zone.ok("log");
        assertThat(log.out()).contains("foreman.1").contains(id).contains("› count me").contains("✓ counted");
        assertThat(zone.run("daemon", "status").exitCode()).as("log started no daemon").isEqualTo(3);
    }

    @Test
    void aReplyStreamedInChunksThatCutWordsIsOneWholeEntryInTheLog() {
        String reply = "a reply long enough to stream in several chunks, each cutting a word";
        zone.model.enqueue(Reply.text(reply));
        zone.ok("act", "--await", "stream it");

        List<String> lines = zone.ok("log").out().lines().filter(l -> l.contains("a reply")).toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).contains(reply)); // the message and the result
        assertThat(lines.get(0)).endsWith("    " + reply);
        assertThat(lines.get(1)).endsWith("  ✓ " + reply);
    }

    @Test
    void aTurnThatNeverEndsIsFailedAfterTheTimeoutAndTheBrainRestarted() throws Exception {
        zone.khlone.env().put("KHLONE_TURN_TIMEOUT", "5");
        zone.model.enqueue(Reply.hang());
        Result hung = zone.run("act", "--await", "this turn never ends");
        assertThat(hung.exitCode()).as(hung.toString()).isEqualTo(1);
        assertThat(hung.err()).contains("failed: no word from " + brain + " for 5 s; the turn was stopped and the brain restarted");
        assertThat(zone.ok("act", "--await", "and this one does").out()).isEqualTo("echo: and this one does\n");
    }

    @Test
    void askCannotWriteAndActCan() throws Exception {
        Path asked = zone.dir.resolve("asked.txt");
        Path acted = zone.dir.resolve("acted.txt");
        zone.model.enqueue(zone.writeFile(asked, "from ask", "asked"));
        zone.ok("ask", "--await", "write asked.txt");
        assertThat(asked).doesNotExist();
        zone.model.enqueue(zone.writeFile(acted, "from act", "acted"));
        assertThat(zone.ok("act", "--await", "write acted.txt").out()).isEqualTo("acted\n");
        assertThat(acted).hasContent("from act");
    }

    @Test
    void theSecondTaskCarriesTheFirstExchange() throws Exception {
        zone.model.enqueue(Reply.text("first answer"), Reply.text("second answer"));
        zone.ok("act", "--await", "first question");
        zone.ok("act", "--await", "second question");
        List<RecordedRequest> turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).conversation().stream().map(RecordedRequest.Message::text))
                .containsSubsequence("first question", "first answer", "second question");
    }

    @Test
    void mistakesGetAMessageThatSaysWhatToDo() throws Exception {
        zone.ok("act", "--await", "hello");
        Result unknownClone = zone.run("act", "--who", "foreman.7", "x");
        assertThat(unknownClone.exitCode()).isEqualTo(1);
        assertThat(unknownClone.err()).contains("khlone: there is no clone foreman.7").contains("hint: the crew: foreman.1 (" + brain + ")");
        Result unknownBrain = zone.run("act", "--who", "scout@gemini", "x");
        assertThat(unknownBrain.err()).contains("there is no brain called gemini")
                .contains("known brains: claude, codex, opencode");
        Result unknownTask = zone.run("status", "--task", "t-0000");
        assertThat(unknownTask.exitCode()).isEqualTo(1);
        assertThat(unknownTask.err()).contains("there is no task t-0000");
        Result typo = zone.run("act", "--who", "foremna", "x");
        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err()).isEqualTo("khlone: there is no role foremna in this zone\n"
                + "  hint: did you mean foreman? A new role is enrolled on purpose: --who foremna++\n");
        Result empty = zone.run("act", " ");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("the prompt is empty");
        assertThat(zone.clones()).hasSize(1);

        String variable = BrainZone.binaryVariable(brain);
        zone.khlone.env().put(variable, zone.dir.resolve("no-such-" + brain).toString());
        zone.ok("daemon", "restart");
        Result missing = zone.run("act", "--who", "scout++", "x");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains(variable + " is set to " + zone.dir.resolve("no-such-" + brain));
        assertThat(zone.clones()).extracting(c -> c.get("slug")).containsExactly("foreman.1");
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsSaidSo() throws Exception {
        Path file = Files.writeString(zone.khlone.root().resolve("not-a-dir"), "");
        zone.khlone.env().put("KHLONE_HOME", file.resolve("state").toString());
        Result r = zone.run("act", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        // The zone key is the first thing a command needs from KHLONE_HOME.
        assertThat(r.err()).contains("cannot read or create the zone key " + file.resolve("state/zone.key"))
                .contains("Not a directory").contains("hint: check that KHLONE_HOME (" + file.resolve("state") + ")");
    }
}
