package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Mode;
import dev.khlone.protocol.wire.TaskInfo.Status;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.protocol.zone.ZoneKey;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crew's rules, with the scripted fake brain: queues, order, --who, cancel, crashes, restore. */
class CrewTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    Zone zone;
    FakeBrain brain;
    Crew crew;
    Store store;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\nbrains:\n  quick:\n    brain: fake\n    model: m1\n");
        zone = Zone.at(root, ZoneKey.in(tmp));
        brain = FakeBrain.persistent(tmp.resolve("brain"));
        crew = open();
    }

    private Crew open() throws Exception {
        store = Store.open(tmp.resolve("state/zone.json"), tmp.resolve("state/tasks.jsonl"), tmp.resolve("state/transcripts"));
        Map<String, Brain> brains = Map.of("fake", brain);
        return Crew.restore(zone, store, brains, System.getenv());
    }

    @AfterEach
    void tearDown() throws Exception {
        crew.shutdown();
        store.close();
    }

    private TaskInfo act(String prompt) throws CrewException {
        return crew.submit(Mode.ACT, prompt, null, false, false);
    }

    private TaskInfo ended(TaskInfo task) throws Exception {
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), end::complete);
        return end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void threeActsToOneCloneRunInOrderOneAtATime() throws Exception {
        TaskInfo a = act("sleep 0.3 a");
        TaskInfo b = act("sleep 0.3 b");
        TaskInfo c = act("c");
        assertThat(a.cloneSlug()).isEqualTo("foreman.1");
        assertThat(List.of(b.cloneSlug(), c.cloneSlug())).containsOnly("foreman.1");
        TaskInfo ea = ended(a);
        TaskInfo eb = ended(b);
        TaskInfo ec = ended(c);
        assertThat(List.of(ea.result(), eb.result(), ec.result())).containsExactly("slept 0.3: a", "slept 0.3: b", "echo: c");
        assertThat(eb.startedMs()).isGreaterThanOrEqualTo(ea.endedMs());
        assertThat(ec.startedMs()).isGreaterThanOrEqualTo(eb.endedMs());
        String series = crew.status("foreman.1").get(0).series();
        assertThat(brain.history(series)).containsExactly("sleep 0.3 a", "sleep 0.3 b", "c");
        assertThat(ec.status()).isEqualTo(Status.DONE);
        assertThat(ec.attempts()).isEqualTo(1);
        assertThat(ec.inputTokens()).isEqualTo(1);
        assertThat(ec.costUsd()).isEqualTo(0.0015);
    }

    @Test
    void plusPlusEnrollsANewCloneThatWorksInParallelWithTheHero() throws Exception {
        TaskInfo hero = act("sleep 1 hero");
        TaskInfo mech = crew.submit(Mode.ACT, "sleep 1 mechanic", "mechanic++", false, false);
        assertThat(mech.cloneSlug()).isEqualTo("mechanic.1");
        TaskInfo h = ended(hero);
        TaskInfo m = ended(mech);
        assertThat(m.startedMs()).isLessThan(h.endedMs());
        assertThat(h.startedMs()).isLessThan(m.endedMs());
        assertThat(crew.submit(Mode.ASK, "x", "mechanic++", false, false).cloneSlug()).isEqualTo("mechanic.2");
        assertThat(crew.submit(Mode.ASK, "y", "mechanic.1", false, false).cloneSlug()).isEqualTo("mechanic.1");
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("foreman.1", "mechanic.1", "mechanic.2");
        assertThat(crew.hero()).isEqualTo("foreman.1");
    }

    @Test
    void aRoleFindsAnIdleCloneBeforeABusyOneAndEnrollsWhenThereIsNone() throws Exception {
        TaskInfo busy = crew.submit(Mode.ACT, "sleep 1 busy", "scout", false, false);
        assertThat(busy.cloneSlug()).isEqualTo("scout.1");
        crew.submit(Mode.ACT, "idle soon", "scout++", false, false);
        ended(crew.submit(Mode.ACT, "warm", "scout.2", false, false));
        assertThat(crew.task(busy.id()).orElseThrow().status()).as("scout.1 is still busy").isEqualTo(Status.ACTIVE);
        assertThat(crew.submit(Mode.ACT, "pick", "scout", false, false).cloneSlug()).isEqualTo("scout.2");
    }

    @Test
    void prioritizeGoesFirstAfterTheRunningTask() throws Exception {
        TaskInfo running = act("sleep 0.5 running");
        TaskInfo queued = act("queued");
        TaskInfo urgent = crew.submit(Mode.ACT, "urgent", null, true, false);
        ended(queued);
        String series = crew.status(null).get(0).series();
        assertThat(brain.history(series)).containsExactly("sleep 0.5 running", "urgent", "queued");
        assertThat(ended(running).status()).isEqualTo(Status.DONE);
        assertThat(ended(urgent).status()).isEqualTo(Status.DONE);
    }

    @Test
    void disruptInterruptsTheRunningTaskRunsTheNewOneThenTheInterruptedOneAgain() throws Exception {
        TaskInfo running = act("sleep 2 long");
        TaskInfo queued = act("queued");
        awaitActive(running);
        awaitHistory("sleep 2 long");
        TaskInfo now = crew.submit(Mode.ACT, "now", null, false, true);
        TaskInfo l = ended(running);
        ended(queued);
        assertThat(ended(now).endedMs()).isLessThanOrEqualTo(l.startedMs() + 10_000);
        String series = crew.status(null).get(0).series();
        assertThat(brain.history(series)).containsExactly("sleep 2 long", "now", "sleep 2 long", "queued");
        assertThat(l.status()).isEqualTo(Status.DONE);
        assertThat(l.attempts()).isEqualTo(2);
    }

    @Test
    void cancelOfAQueuedAndOfARunningTask() throws Exception {
        TaskInfo running = act("sleep 30 forever");
        TaskInfo queued = act("never");
        TaskInfo after = act("after");
        awaitActive(running);
        assertThat(crew.cancel(queued.id()).status()).isEqualTo(Status.CANCELLED);
        TaskInfo cancelled = crew.cancel(running.id());
        assertThat(cancelled.status()).isEqualTo(Status.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("cancelled while running");
        assertThat(ended(after).result()).isEqualTo("echo: after");
        assertThat(brain.history(crew.status(null).get(0).series())).containsExactly("sleep 30 forever", "after");
        assertThatThrownBy(() -> crew.cancel(after.id())).hasMessageContaining(after.id() + " has already ended (done)");
        assertThatThrownBy(() -> crew.cancel("t-nope")).hasMessage("there is no task t-nope");
    }

    @Test
    void aBrainKilledDuringATurnRebootsAndTheTaskEndsDoneOnceWithTwoAttempts() throws Exception {
        TaskInfo slow = act("sleep 2 slow");
        awaitActive(slow);
        long pid = crew.status(null).get(0).pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        TaskInfo done = ended(slow);
        assertThat(done.status()).isEqualTo(Status.DONE);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.result()).isEqualTo("slept 2: slow");
        assertThat(crew.status(null).get(0).pid()).isNotEqualTo(pid);
        long ends = Files.readAllLines(tmp.resolve("state/tasks.jsonl")).stream()
                .filter(l -> l.contains(slow.id()) && l.contains("\"status\":\"done\"")).count();
        assertThat(ends).as("the task ended once").isEqualTo(1);
    }

    @Test
    void aCloneThatKeepsCrashingIsFailedWithTheReasonAndRebootRevivesIt() throws Exception {
        TaskInfo doomed = act("crash");
        TaskInfo waiting = act("patient");
        TaskInfo end = ended(doomed);
        assertThat(end.status()).isEqualTo(Status.FAILED);
        assertThat(end.error()).startsWith("the brain kept crashing");
        assertThat(end.attempts()).isEqualTo(Clone.MAX_CRASHES + 1);
        CloneInfo failed = crew.status(null).get(0);
        assertThat(failed.state()).isEqualTo(CloneInfo.State.FAILED);
        assertThat(failed.failure()).contains("crashed 4 times in 60 s").contains("khlone reboot foreman.1");
        assertThat(crew.task(waiting.id()).orElseThrow().status()).isEqualTo(Status.QUEUED);

        crew.reboot("foreman.1");
        assertThat(ended(waiting).result()).isEqualTo("echo: patient");
        assertThat(crew.status(null).get(0).state()).isIn(CloneInfo.State.IDLE, CloneInfo.State.ACTIVE);
    }

    @Test
    void aNewCrewOnTheSameStateRunsWhatWasQueuedAndRunningNoneLostNoneTwice() throws Exception {
        TaskInfo running = act("sleep 3 interrupted by the daemon's death");
        TaskInfo q1 = act("one");
        TaskInfo q2 = act("two");
        awaitActive(running);
        awaitHistory("sleep 3 interrupted by the daemon's death");
        String series = crew.status(null).get(0).series();
        long oldPid = crew.status(null).get(0).pid();
        // A daemon killed with -9 leaves its brain running; the next one ends it.
        crew.abandon();
        store.close();
        assertThat(Processes.running(oldPid)).isTrue();

        crew = open();
        assertThat(Processes.running(oldPid)).as("the brain the dead daemon left is ended").isFalse();
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("foreman.1");
        assertThat(crew.status(null).get(0).series()).isEqualTo(series);
        TaskInfo r = ended(crew.task(running.id()).orElseThrow());
        assertThat(ended(crew.task(q1.id()).orElseThrow()).result()).isEqualTo("echo: one");
        assertThat(ended(crew.task(q2.id()).orElseThrow()).result()).isEqualTo("echo: two");
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(brain.history(series)).containsExactly("sleep 3 interrupted by the daemon's death",
                "sleep 3 interrupted by the daemon's death", "one", "two");
    }

    @Test
    void mistakesAreRefusedWithWhatToDoAndChangeNothing() throws Exception {
        ended(act("hello"));
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "  ", null, false, false)).hasMessage("the prompt is empty");
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "x", "foreman.7", false, false))
                .hasMessage("there is no clone foreman.7");
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "x", "pilot.1", false, false))
                .hasMessage("no clone has the role pilot");
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "x", "foreman.1@claude", false, false))
                .hasMessage("there is no brain called claude");
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "x", "pilot@gemini", false, false))
                .isInstanceOfSatisfying(CrewException.class, e -> assertThat(e.reply("1").hint())
                        .isEqualTo("known brains: fake; aliases in khlone.yml: quick"));
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "x", "Pilot", false, false)).hasMessageContaining("is not a clone");
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("foreman.1");
        assertThat(crew.submit(Mode.ACT, "x", "foreman.1@quick", false, false).cloneSlug()).isEqualTo("foreman.1");
    }

    @Test
    void aCloneNeverChangesItsBrain() throws Exception {
        Brain other = FakeBrain.persistent(tmp.resolve("other"));
        crew.shutdown();
        store.close();
        store = Store.open(tmp.resolve("state/zone.json"), tmp.resolve("state/tasks.jsonl"), tmp.resolve("state/transcripts"));
        crew = Crew.restore(zone, store, Map.of("fake", brain, "other", renamed(other, "other")), System.getenv());
        ended(act("hi"));
        assertThatThrownBy(() -> crew.submit(Mode.ACT, "x", "foreman.1@other", false, false))
                .isInstanceOfSatisfying(CrewException.class, e -> {
                    assertThat(e).hasMessage("foreman.1 runs fake, not other");
                    assertThat(e.reply("1").code()).isEqualTo("brain-mismatch");
                });
    }

    @Test
    void aBrokenKhloneYmlIsReportedWithTheFile() throws Exception {
        Files.writeString(zone.root().resolve("khlone.yml"), "hero: [not, a, string\n");
        assertThatThrownBy(() -> act("x")).hasMessageContaining("khlone.yml is not valid YAML");
        Files.writeString(zone.root().resolve("khlone.yml"), "heroes: foreman\n");
        assertThatThrownBy(() -> act("x")).hasMessageContaining("unknown key 'heroes' (known: hero, roles, brains)");
    }

    @Test
    void killEndsTheCloneAndCancelsItsWork() throws Exception {
        TaskInfo running = act("sleep 30 z");
        TaskInfo queued = act("q");
        awaitActive(running);
        crew.kill("foreman.1");
        assertThat(ended(running).status()).isEqualTo(Status.CANCELLED);
        assertThat(ended(queued).error()).isEqualTo("its clone foreman.1 was killed");
        assertThat(crew.status(null)).isEmpty();
        assertThat(act("fresh").cloneSlug()).as("the next hero gets the next number").isEqualTo("foreman.2");
        assertThatThrownBy(() -> crew.kill("foreman.1")).hasMessage("there is no clone foreman.1");
    }

    /** Waits until the brain itself has begun the prompt, not just been handed it. */
    private void awaitHistory(String prompt) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!brain.history(crew.status(null).get(0).series()).contains(prompt)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the brain never began " + prompt);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aTurnThatSaysNothingForTheTimeoutFailsWithTheReasonAndTheBrainIsRestarted() throws Exception {
        crew.shutdown();
        store.close();
        store = Store.open(tmp.resolve("state/zone.json"), tmp.resolve("state/tasks.jsonl"), tmp.resolve("state/transcripts"));
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("KHLONE_TURN_TIMEOUT", "1");
        crew = Crew.restore(zone, store, Map.of("fake", brain), env);
        TaskInfo silent = act("sleep 30 hung, like opencode retrying a 500");
        TaskInfo next = act("next");
        TaskInfo failed = ended(silent);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.error()).startsWith("no word from fake for 1 s; the turn was stopped and the brain restarted");
        assertThat(ended(next).result()).isEqualTo("echo: next");

        env.put("KHLONE_TURN_TIMEOUT", "soon");
        assertThatThrownBy(() -> Crew.restore(zone, store, Map.of("fake", brain), env))
                .hasMessageContaining("KHLONE_TURN_TIMEOUT=soon is not a positive number of seconds");
    }

    private void awaitActive(TaskInfo task) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (crew.task(task.id()).orElseThrow().status() != Status.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(task.id() + " never started");
            }
            Thread.sleep(10);
        }
    }

    /** The same fake brain under another name. */
    private static Brain renamed(Brain brain, String name) {
        return (Brain) java.lang.reflect.Proxy.newProxyInstance(Brain.class.getClassLoader(), new Class<?>[] {Brain.class},
                (proxy, method, args) -> method.getName().equals("name") ? name : method.invoke(brain, args));
    }
}
