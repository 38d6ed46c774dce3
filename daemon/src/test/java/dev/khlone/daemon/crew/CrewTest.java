package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.khlone.daemon.DaemonProcess;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.SmallDisk;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    Locations locations;
    Zone zone;
    /** The zone's state dir. */
    Path state;
    FakeBrain brain;
    Crew crew;
    Store store;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\nbrains:\n  quick:\n    brain: fake\n    model: m1\n");
        locations = new Locations(tmp.resolve("home"), tmp.resolve("s"));
        zone = locations.zoneAt(root);
        state = locations.zoneDir(zone);
        brain = FakeBrain.persistent(tmp.resolve("brain"));
        crew = open();
    }

    private Crew open() throws Exception {
        store = Store.open(locations.crewFile(zone), locations.taskJournal(zone), locations.transcripts(zone));
        Map<String, Brain> brains = Map.of("fake", brain);
        return Crew.restore(zone, store, brains, System.getenv());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (crew != null) {
            crew.shutdown();
            store.close();
        }
    }

    /**
     * The daemon in a process of its own on this test's state, in place of the crew in this JVM,
     * for a test to kill with -9: what it leaves is then what a real death leaves.
     */
    private DaemonProcess daemon() throws Exception {
        if (crew != null) {
            crew.shutdown();
            store.close();
            crew = null;
        }
        return DaemonProcess.start(locations, zone, Map.of("FAKE_BRAIN_HOME", tmp.resolve("brain").toString()),
                tmp.resolve("daemon.log"));
    }

    /**
     * Moves this test's crew onto a 512 KiB tmpfs mounted at {@code state}, where a full disk is
     * one {@link SmallDisk#fill} away; the caller closes the disk.
     */
    private SmallDisk onSmallDisk(Path state) throws Exception {
        crew.shutdown();
        store.close();
        SmallDisk disk = SmallDisk.mount(state, "512k");
        try {
            openOn(state);
            return disk;
        } catch (Exception e) {
            disk.close();
            throw e;
        }
    }

    /** A store and a crew on the state dir {@code state} (KHLONE_HOME too). */
    private void openOn(Path state) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("KHLONE_HOME", state.toString());
        store = Store.open(state.resolve("zone.json"), state.resolve("tasks.jsonl"), state.resolve("transcripts"));
        crew = Crew.restore(zone, store, Map.of("fake", brain), env);
    }

    private TaskInfo act(String prompt) throws CrewException {
        return crew.submit(TaskMode.ACT, prompt, null, Placement.LAST);
    }

    private TaskInfo ended(TaskInfo task) throws Exception {
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), end::complete, end::completeExceptionally);
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
    void theTaskListHoldsEveryUnfinishedTaskAndTheNewestEndedOnesNewestFirst() throws Exception {
        TaskInfo first = act("first");
        TaskInfo second = act("second");
        ended(second);
        TaskInfo running = act("sleep 30 running");
        TaskInfo queued = act("queued");
        TaskInfo mechanic = crew.submit(TaskMode.ASK, "m", "mechanic++", Placement.LAST);
        ended(mechanic);
        Await.until(WAIT, "the third task running", () -> crew.task(running.id()).orElseThrow().status() == Status.ACTIVE);
        assertThat(crew.tasks(null, 10)).extracting(TaskInfo::id)
                .containsExactly(mechanic.id(), queued.id(), running.id(), second.id(), first.id());
        assertThat(crew.tasks(null, 1)).extracting(TaskInfo::id).containsExactly(mechanic.id(), queued.id(), running.id());
        assertThat(crew.tasks(null, 0)).extracting(TaskInfo::status).containsExactly(Status.QUEUED, Status.ACTIVE);
        assertThat(crew.tasks("mechanic", 10)).extracting(TaskInfo::id).containsExactly(mechanic.id());
        assertThatThrownBy(() -> crew.tasks("nobody", 10)).isInstanceOf(CrewException.class).hasMessageContaining("no clone is nobody");
    }

    @Test
    void aBrainStartedAfterACommandGetsThatCommandsPathAndBrainVariablesSetOrUnset() throws Exception {
        String path = System.getenv("PATH");
        assertThat(ended(act("env ANTHROPIC_API_KEY")).result()).isEqualTo("ANTHROPIC_API_KEY is unset");
        crew.environment(Map.of("PATH", path, "ANTHROPIC_API_KEY", "sk-123", "SECRET_OF_THE_SHELL", "x"));
        assertThat(ended(act("env ANTHROPIC_API_KEY")).result()).as("the running brain keeps its environment")
                .isEqualTo("ANTHROPIC_API_KEY is unset");
        crew.reboot("foreman.1", false);
        assertThat(ended(act("env ANTHROPIC_API_KEY")).result()).isEqualTo("ANTHROPIC_API_KEY is set (6 chars)");
        TaskInfo mechanic = crew.submit(TaskMode.ASK, "env SECRET_OF_THE_SHELL", "mechanic++", Placement.LAST);
        assertThat(ended(mechanic).result()).as("only PATH and the brains' own variables").isEqualTo("SECRET_OF_THE_SHELL is unset");
        crew.environment(Map.of("PATH", path));
        crew.reboot("foreman.1", false);
        assertThat(ended(act("env ANTHROPIC_API_KEY")).result()).as("unset in the command, unset for the brain")
                .isEqualTo("ANTHROPIC_API_KEY is unset");
    }

    @Test
    void theNotifyHookHearsEachTaskDoneOrFailedAndTheEmptyQueueThroughItsEnvironmentAndRunsNoWordOfAResult() throws Exception {
        Path root = zone.root();
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\nnotify:\n"
                + "  run: printf '%s|%s|%s|%s|%s|%s\\n' \"$KHLONE_EVENT\" \"$KHLONE_CLONE\" \"$KHLONE_TASK\" \"$KHLONE_STATUS\""
                + " \"$KHLONE_RESULT\" \"$KHLONE_TRIGGER\" >> hook.log\n");
        TaskInfo done = ended(act("$(touch pwned)"));
        TaskInfo failed = ended(act("error it broke; $(touch pwned)"));
        TaskInfo triggered = ended(crew.submit(TaskMode.ACT, "from a schedule", null, Placement.LAST, null, "nightly"));
        List<String> heard = Await.value(WAIT, "the hook's lines", () -> Files.exists(root.resolve("hook.log"))
                ? Files.readAllLines(root.resolve("hook.log")) : List.<String>of(), lines -> lines.size() >= 6);
        assertThat(heard).containsExactly(
                "task-done|foreman.1|" + done.id() + "|done|echo: $(touch pwned)|",
                "queue-empty|foreman.1|" + done.id() + "|||",
                "task-failed|foreman.1|" + failed.id() + "|failed|it broke; $(touch pwned)|",
                "queue-empty|foreman.1|" + failed.id() + "|||",
                "task-done|foreman.1|" + triggered.id() + "|done|echo: from a schedule|nightly",
                "queue-empty|foreman.1|" + triggered.id() + "|||nightly");
        assertThat(root.resolve("pwned")).as("no word of a prompt or result ran").doesNotExist();
    }

    @Test
    void aHookThatHangsIsKilledAfterItsTimeoutAndNeverHoldsTheCloneUp() throws Exception {
        Files.writeString(zone.root().resolve("khlone.yml"), "hero: foreman@fake\nnotify:\n  run: [sleep, \"30\"]\n"
                + "  on: [task-done]\n  timeout: 1s\n");
        long start = System.nanoTime();
        ended(act("one"));
        ended(act("two"));
        ended(act("three"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("three tasks while hooks hang").isLessThan(Duration.ofSeconds(10));
        Await.until(WAIT, "no hook's sleep left after the timeouts", () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.parent().map(pp -> pp.pid() == ProcessHandle.current().pid()).orElse(false)
                        && p.info().command().map(c -> c.endsWith("sleep")).orElse(false)));
    }

    @Test
    void plusPlusEnrollsANewCloneThatWorksInParallelWithTheHero() throws Exception {
        TaskInfo hero = act("sleep 1 hero");
        TaskInfo mech = crew.submit(TaskMode.ACT, "sleep 1 mechanic", "mechanic++", Placement.LAST);
        assertThat(mech.cloneSlug()).isEqualTo("mechanic.1");
        TaskInfo h = ended(hero);
        TaskInfo m = ended(mech);
        assertThat(m.startedMs()).isLessThan(h.endedMs());
        assertThat(h.startedMs()).isLessThan(m.endedMs());
        assertThat(crew.submit(TaskMode.ASK, "x", "mechanic++", Placement.LAST).cloneSlug()).isEqualTo("mechanic.2");
        assertThat(crew.submit(TaskMode.ASK, "y", "mechanic.1", Placement.LAST).cloneSlug()).isEqualTo("mechanic.1");
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("foreman.1", "mechanic.1", "mechanic.2");
        assertThat(crew.hero()).isEqualTo("foreman.1");
    }

    @Test
    void aRoleFindsAnIdleCloneBeforeABusyOneAndEnrollsWhenThereIsNone() throws Exception {
        Files.writeString(zone.root().resolve("khlone.yml"), "hero: foreman@fake\nroles: [scout]\n");
        TaskInfo busy = crew.submit(TaskMode.ACT, "sleep 1 busy", "scout", Placement.LAST);
        assertThat(busy.cloneSlug()).isEqualTo("scout.1");
        crew.submit(TaskMode.ACT, "idle soon", "scout++", Placement.LAST);
        ended(crew.submit(TaskMode.ACT, "warm", "scout.2", Placement.LAST));
        assertThat(crew.task(busy.id()).orElseThrow().status()).as("scout.1 is still busy").isEqualTo(Status.ACTIVE);
        assertThat(crew.submit(TaskMode.ACT, "pick", "scout", Placement.LAST).cloneSlug()).isEqualTo("scout.2");
    }

    @Test
    void anEmptyWhoIsTheHeroEvenWhileItIsBusyAndTheRoleIsAnyCloneOfIt() throws Exception {
        TaskInfo busy = act("sleep 1 busy");
        ended(crew.submit(TaskMode.ACT, "warm", "foreman++", Placement.LAST));
        assertThat(crew.task(busy.id()).orElseThrow().status()).as("the hero is still busy").isEqualTo(Status.ACTIVE);
        TaskInfo next = act("the hero's next");
        assertThat(next.cloneSlug()).as("the hero's conversation, not the idle foreman.2's").isEqualTo("foreman.1");
        assertThat(crew.submit(TaskMode.ACT, "anyone", "foreman", Placement.LAST).cloneSlug()).isEqualTo("foreman.2");
        ended(next);
        assertThat(brain.history(crew.status("foreman.1").get(0).series())).containsExactly("sleep 1 busy", "the hero's next");
    }

    @Test
    void aRoleNobodyNamedIsRefusedWithTheClosestKnownRoleAndEnrollsNothing() throws Exception {
        ended(crew.submit(TaskMode.ACT, "hired", "mechanic++", Placement.LAST));
        int started = brain.pids().size();
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "mechnic", Placement.LAST))
                .isInstanceOfSatisfying(CrewException.class, e -> {
                    assertThat(e).hasMessage("there is no role mechnic in this zone");
                    assertThat(e.reply("1").code()).isEqualTo("unknown-clone");
                    assertThat(e.reply("1").hint()).isEqualTo("did you mean mechanic? A new role is enrolled on purpose: --who mechnic++");
                });
        assertThatThrownBy(() -> crew.talk("mechnic@quick", new RecordingClient(), "t", 80, 24, false))
                .isInstanceOfSatisfying(CrewException.class, e -> assertThat(e.reply("1").hint())
                        .isEqualTo("did you mean mechanic? A new role is enrolled on purpose: khlone talk mechnic@quick++"));
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "zebra", Placement.LAST))
                .isInstanceOfSatisfying(CrewException.class, e -> assertThat(e.reply("1").hint())
                        .isEqualTo("the known roles: foreman, mechanic; a new role is enrolled on purpose: --who zebra++"));
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("mechanic.1");
        assertThat(brain.pids()).as("no brain was started for a typo").hasSize(started);
        assertThat(crew.submit(TaskMode.ACT, "on purpose", "mechnic++", Placement.LAST).cloneSlug()).isEqualTo("mechnic.1");
        assertThat(crew.submit(TaskMode.ACT, "now on the crew", "mechnic", Placement.LAST).cloneSlug()).isEqualTo("mechnic.1");
    }

    @Test
    void theHerosRoleAndTheRolesOfKhloneYmlEnrollWithoutPlusPlus() throws Exception {
        Files.writeString(zone.root().resolve("khlone.yml"), "hero: foreman@fake\nroles:\n  mech: mechanic\nbrains:\n  quick: {brain: fake}\n");
        assertThat(crew.submit(TaskMode.ACT, "x", "foreman", Placement.LAST).cloneSlug()).isEqualTo("foreman.1");
        assertThat(crew.submit(TaskMode.ACT, "x", "mechanic", Placement.LAST).cloneSlug()).isEqualTo("mechanic.1");
        assertThat(crew.submit(TaskMode.ACT, "x", "mech@quick", Placement.LAST).cloneSlug()).isEqualTo("mechanic.2");
        Files.writeString(zone.root().resolve("khlone.yml"), "hero: foreman@fake\nroles: [scout, pilot]\n");
        assertThat(crew.submit(TaskMode.ACT, "x", "pilot", Placement.LAST).cloneSlug()).isEqualTo("pilot.1");
        assertThat(crew.submit(TaskMode.ACT, "x", "mechanic", Placement.LAST).cloneSlug()).as("a role on the crew")
                .isIn("mechanic.1", "mechanic.2");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "scuot", Placement.LAST)).isInstanceOfSatisfying(CrewException.class,
                e -> assertThat(e.reply("1").hint()).startsWith("did you mean scout?"));
    }

    @Test
    void prioritizeGoesFirstAfterTheRunningTask() throws Exception {
        TaskInfo running = act("sleep 0.5 running");
        TaskInfo queued = act("queued");
        TaskInfo urgent = crew.submit(TaskMode.ACT, "urgent", null, Placement.FIRST);
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
        TaskInfo now = crew.submit(TaskMode.ACT, "now", null, Placement.DISRUPT);
        TaskInfo l = ended(running);
        ended(queued);
        assertThat(ended(now).endedMs()).isLessThanOrEqualTo(l.startedMs() + 10_000);
        String series = crew.status(null).get(0).series();
        assertThat(brain.history(series)).containsExactly("sleep 2 long", "now", "sleep 2 long", "queued");
        assertThat(l.status()).isEqualTo(Status.DONE);
        assertThat(l.attempts()).isEqualTo(2);
        assertThat(l.interruptions()).as("a person's interruption does not count against the task").isEmpty();
        assertThat(brain.notes(series)).singleElement(STRING)
                .startsWith("sleep 2 long <- (khlone: an earlier attempt").contains("(a person had " + now.id() + " run first)");
    }

    @Test
    void cancelOfAQueuedAndOfARunningTask() throws Exception {
        TaskInfo running = act("sleep 30 forever");
        TaskInfo queued = act("never");
        TaskInfo after = act("after");
        awaitActive(running);
        awaitHistory("sleep 30 forever"); // the brain has it: a cancel before that would not show in its history
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
        long ends = Files.readAllLines(state.resolve("tasks.jsonl")).stream()
                .filter(l -> l.contains(slow.id()) && l.contains("\"status\":\"done\"")).count();
        assertThat(ends).as("the task ended once").isEqualTo(1);
    }

    @Test
    void aTaskThatKeepsCrashingItsBrainFailsOnItsOwnAttemptsAndTheQueueGoesOn() throws Exception {
        TaskInfo doomed = act("crash");
        TaskInfo waiting = act("patient");
        TaskInfo end = ended(doomed);
        assertThat(end.status()).isEqualTo(Status.FAILED);
        assertThat(end.error()).isEqualTo("interrupted 3 times: the brain exited with code 3; "
                + "the brain exited with code 3; the brain exited with code 3");
        assertThat(end.attempts()).isEqualTo(CrashPolicy.MAX_INTERRUPTIONS);
        assertThat(ended(waiting).result()).isEqualTo("echo: patient");
        assertThat(crew.status(null).get(0).state()).isNotEqualTo(CloneInfo.State.FAILED);
    }

    /** Four crashes in a row: three of a task that fails on its own, then one of the next task. */
    private CloneInfo failTheHero() throws Exception {
        TaskInfo doomed = act("crash");
        act("crash");
        assertThat(ended(doomed).status()).isEqualTo(Status.FAILED);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (crew.status(null).get(0).state() != CloneInfo.State.FAILED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the clone never failed: " + crew.status(null).get(0));
            }
            Thread.sleep(10);
        }
        return crew.status(null).get(0);
    }

    private CompletableFuture<CrewException> stuck(TaskInfo task) throws CrewException {
        CompletableFuture<CrewException> stuck = new CompletableFuture<>();
        crew.await(task.id(), t -> stuck.completeExceptionally(new AssertionError(t.id() + " ended: " + t)), stuck::complete);
        return stuck;
    }

    @Test
    void theCrashBreakerFailsTheCloneTellsItsAwaitersAndKeepsTheInnocentTaskFirstInItsQueue() throws Exception {
        TaskInfo doomed = act("crash");
        TaskInfo innocent = act("crash-once " + tmp.resolve("once"));
        TaskInfo waiting = act("patient");
        CompletableFuture<CrewException> innocentStuck = stuck(innocent);
        CompletableFuture<CrewException> waitingStuck = stuck(waiting);
        assertThat(ended(doomed).status()).isEqualTo(Status.FAILED);

        CrewException told = waitingStuck.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(told.reply("1").code()).isEqualTo("brain-unavailable");
        assertThat(told).hasMessage("foreman.1 has failed (the brain exited with code 3; it crashed 4 times in 60 s); "
                + waiting.id() + " waits in its queue");
        assertThat(told.reply("1").hint()).isEqualTo("revive it: khlone reboot foreman.1 (or khlone cancel " + waiting.id() + ")");
        assertThat(innocentStuck.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasMessageContaining(innocent.id() + " waits in its queue");
        CloneInfo failed = crew.status(null).get(0);
        assertThat(failed.state()).isEqualTo(CloneInfo.State.FAILED);
        assertThat(failed.queue()).containsExactly(innocent.id(), waiting.id());
        TaskInfo kept = crew.task(innocent.id()).orElseThrow();
        assertThat(kept.status()).isEqualTo(Status.QUEUED);
        assertThat(kept.interruptions()).containsExactly("the brain exited with code 3");
        assertThatThrownBy(() -> crew.await(waiting.id(), t -> {}, e -> {})).as("a later await is answered at once")
                .hasMessageContaining("foreman.1 has failed").hasMessageContaining(waiting.id() + " waits in its queue");

        crew.reboot("foreman.1", false);
        assertThat(ended(innocent).result()).isEqualTo("survived: " + tmp.resolve("once"));
        assertThat(ended(waiting).result()).isEqualTo("echo: patient");
        assertThat(crew.status(null).get(0).state()).isIn(CloneInfo.State.IDLE, CloneInfo.State.ACTIVE);
    }

    @Test
    void aPlainActWhileTheHeroIsFailedIsRefusedAndPlusPlusStillEnrolls() throws Exception {
        CloneInfo failed = failTheHero();
        assertThatThrownBy(() -> act("anything"))
                .isInstanceOfSatisfying(CrewException.class, e -> {
                    assertThat(e).hasMessage("foreman.1 has failed: " + failed.failure());
                    assertThat(e.reply("1").code()).isEqualTo("brain-unavailable");
                    assertThat(e.reply("1").hint()).isEqualTo("khlone reboot foreman.1, or --who foreman++ for a new clone");
                });
        assertThatThrownBy(() -> crew.submit(TaskMode.ASK, "anything", "foreman", Placement.LAST)).hasMessageStartingWith("foreman.1 has failed");
        assertThatThrownBy(() -> crew.talk(null, new RecordingClient(), "t", 80, 24, false)).as("talk names a clone its own way")
                .isInstanceOfSatisfying(CrewException.class, e -> assertThat(e.reply("1").hint())
                        .isEqualTo("khlone reboot foreman.1, or khlone talk foreman++ for a new clone"));
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("foreman.1");
        assertThat(crew.submit(TaskMode.ACT, "fresh", "foreman++", Placement.LAST).cloneSlug()).isEqualTo("foreman.2");
    }

    @Test
    void aToolChildThatLeftTheBrainsSessionDiesWithTheBrainAndTheRerunIsToldOfTheCrash() throws Exception {
        Path file = tmp.resolve("side-effect");
        String prompt = "escape 2 3 " + file;
        TaskInfo task = act(prompt);
        awaitEscapee(file);
        ProcessHandle.of(crew.status(null).get(0).pid()).orElseThrow().destroyForcibly();
        TaskInfo done = ended(task);
        assertThat(done.status()).isEqualTo(Status.DONE);
        assertThat(done.attempts()).isEqualTo(2);
        // The dead attempt's child would have written at 2 s, before the second attempt's did at 1 + 2 s.
        assertThat(Files.readAllLines(file)).as("only the second attempt's line").hasSize(1);
        assertThat(brain.notes(crew.status(null).get(0).series())).containsExactly(prompt + " <- (khlone: an earlier attempt"
                + " at this task was interrupted before it finished (the brain exited with code 137). Check what it already"
                + " did before you redo anything.)");
    }

    @Test
    void aToolChildThatLeftTheBrainsSessionIsEndedByTheNextDaemonBeforeTheTaskRunsAgain() throws Exception {
        Path file = tmp.resolve("side-effect");
        String prompt = "escape 2 3 " + file;
        DaemonProcess dying = daemon();
        TaskInfo task = dying.submit(null, prompt);
        long escapee = awaitEscapee(file);
        dying.kill(); // its brain and the brain's children go on

        crew = open();
        assertThat(Processes.running(escapee)).as("the first attempt's child is gone before the task runs again").isFalse();
        TaskInfo done = ended(crew.task(task.id()).orElseThrow());
        assertThat(done.status()).isEqualTo(Status.DONE);
        assertThat(Files.readAllLines(file)).as("only the second attempt's line").hasSize(1);
        assertThat(brain.notes(crew.status(null).get(0).series())).singleElement(STRING)
                .contains("(the daemon died during it)");
    }

    @Test
    void aTaskThatRanWhenTheDaemonDiedThreeTimesFailsInsteadOfRunningAgain() throws Exception {
        String prompt = "sleep 30 a task that takes its daemon down";
        TaskInfo task = null;
        for (int run = 1; run <= CrashPolicy.MAX_INTERRUPTIONS; run++) {
            DaemonProcess dying = daemon();
            task = task == null ? dying.submit(null, prompt) : task;
            awaitActive(dying, task);
            awaitHistory(dying, prompt, run);
            dying.kill();
        }
        crew = open();
        TaskInfo end = ended(crew.task(task.id()).orElseThrow());
        assertThat(end.status()).isEqualTo(Status.FAILED);
        assertThat(end.error()).isEqualTo("interrupted 3 times: the daemon died during it; the daemon died during it;"
                + " the daemon died during it");
        assertThat(brain.history(crew.status(null).get(0).series())).containsExactly(prompt, prompt, prompt);
    }

    @Test
    void aRebootByRequestRunsTheTaskAgainWithoutCountingItAndTellsTheBrain() throws Exception {
        TaskInfo task = act("sleep 2 rebooted");
        awaitActive(task);
        awaitHistory("sleep 2 rebooted");
        crew.reboot("foreman.1", false);
        TaskInfo done = ended(task);
        assertThat(done.status()).isEqualTo(Status.DONE);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.interruptions()).isEmpty();
        assertThat(brain.notes(crew.status(null).get(0).series())).singleElement(STRING)
                .startsWith("sleep 2 rebooted <- (khlone: an earlier attempt").contains("(a person rebooted the brain)");
    }

    @Test
    void aFreshRebootStartsANewConversationTheRunningTaskRunsAgainInItAndTheOldTranscriptStays() throws Exception {
        ended(act("remember the word tangerine"));
        String before = crew.status("foreman.1").get(0).series();
        TaskInfo running = act("sleep 2 cut short");
        awaitActive(running);
        awaitHistory("sleep 2 cut short");
        crew.reboot("foreman.1", true);
        TaskInfo again = ended(running);
        assertThat(again.status()).isEqualTo(Status.DONE);
        assertThat(again.interruptions()).as("a person's reboot does not count against the task").isEmpty();
        ended(act("what was the word?"));
        String after = crew.status("foreman.1").get(0).series();
        assertThat(after).isNotEqualTo(before);
        assertThat(brain.history(after)).as("the new conversation carries nothing of the old one")
                .containsExactly("sleep 2 cut short", "what was the word?");
        assertThat(brain.history(before)).containsExactly("remember the word tangerine", "sleep 2 cut short");
        assertThat(Files.readString(state.resolve("transcripts/foreman.1.jsonl"))).contains("remember the word tangerine")
                .contains("rebooted by request on a fresh conversation");

        crew.shutdown();
        store.close();
        crew = open();
        assertThat(crew.status("foreman.1").get(0).series()).as("the crew file keeps the new conversation").isEqualTo(after);
        ended(act("still here?"));
        assertThat(brain.history(after)).endsWith("still here?");
    }

    @Test
    void aDaemonStoppedOnPurposeDoesNotCountAgainstTheTaskItInterrupted() throws Exception {
        TaskInfo task = act("sleep 2 stopped");
        awaitActive(task);
        awaitHistory("sleep 2 stopped");
        crew.shutdown();
        store.close();
        crew = open();
        TaskInfo done = ended(crew.task(task.id()).orElseThrow());
        assertThat(done.status()).isEqualTo(Status.DONE);
        assertThat(done.interruptions()).isEmpty();
        assertThat(brain.notes(crew.status(null).get(0).series())).containsExactly("sleep 2 stopped <- (khlone: an earlier"
                + " attempt at this task was interrupted before it finished. Check what it already did before you redo anything.)");
    }

    @Test
    void aNewCrewOnTheSameStateRunsWhatWasQueuedAndRunningNoneLostNoneTwice() throws Exception {
        DaemonProcess dying = daemon();
        TaskInfo running = dying.submit(null, "sleep 3 interrupted by the daemon's death");
        TaskInfo q1 = dying.submit(null, "one");
        TaskInfo q2 = dying.submit(null, "two");
        awaitActive(dying, running);
        awaitHistory(dying, "sleep 3 interrupted by the daemon's death", 1);
        String series = dying.clones().get(0).series();
        long oldPid = dying.clones().get(0).pid();
        // A daemon killed with -9 leaves its brain running; the next one ends it.
        dying.kill();
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
    void aTaskWhoseEndTheClientHeardIsDoneAfterTheDaemonIsKilledWithMinus9AndNeverRunsAgain() throws Exception {
        DaemonProcess dying = daemon();
        TaskInfo first = dying.run("first");
        assertThat(first.status()).isEqualTo(Status.DONE);
        TaskInfo heard = dying.run("heard");
        String series = dying.clones().get(0).series();
        dying.kill(); // at once: whatever the daemon does after telling the client has not happened

        crew = open();
        assertThat(crew.task(heard.id()).orElseThrow().status()).isEqualTo(Status.DONE);
        assertThat(crew.task(heard.id()).orElseThrow().result()).isEqualTo("echo: heard");
        assertThat(crew.status(null).get(0).series()).isEqualTo(series);
        ended(act("after"));
        assertThat(brain.history(series)).containsExactly("first", "heard", "after");
    }

    @Test
    void aDaemonKilledWithMinus9LeavesItsQueueToRunInTheOrderItWouldHaveRun() throws Exception {
        DaemonProcess dying = daemon();
        TaskInfo running = dying.submit(null, "sleep 3 running when the daemon died");
        awaitActive(dying, running);
        awaitHistory(dying, "sleep 3 running when the daemon died", 1);
        TaskInfo one = dying.submit(null, "one");
        TaskInfo urgent = dying.submit(null, "urgent", Placement.FIRST);
        TaskInfo three = dying.submit(null, "three");
        String series = dying.clones().get(0).series();
        dying.kill();

        crew = open();
        for (TaskInfo t : List.of(running, one, urgent, three)) {
            assertThat(ended(crew.task(t.id()).orElseThrow()).status()).isEqualTo(Status.DONE);
        }
        assertThat(brain.history(series)).containsExactly("sleep 3 running when the daemon died",
                "sleep 3 running when the daemon died", "urgent", "one", "three");
    }

    @Test
    void mistakesAreRefusedWithWhatToDoAndChangeNothing() throws Exception {
        ended(act("hello"));
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "  ", null, Placement.LAST)).hasMessage("the prompt is empty");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "foreman.7", Placement.LAST))
                .hasMessage("there is no clone foreman.7");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "pilot.1", Placement.LAST))
                .hasMessage("no clone has the role pilot");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "foreman.1@claude", Placement.LAST))
                .hasMessage("there is no brain called claude");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "pilot@gemini", Placement.LAST))
                .isInstanceOfSatisfying(CrewException.class, e -> assertThat(e.reply("1").hint())
                        .isEqualTo("known brains: fake; aliases in khlone.yml: quick"));
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "Pilot", Placement.LAST)).hasMessageContaining("is not a clone");
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactly("foreman.1");
        assertThat(crew.submit(TaskMode.ACT, "x", "foreman.1@quick", Placement.LAST).cloneSlug()).isEqualTo("foreman.1");
    }

    @Test
    void aCloneNeverChangesItsBrain() throws Exception {
        Brain other = FakeBrain.persistent(tmp.resolve("other"));
        crew.shutdown();
        store.close();
        store = Store.open(state.resolve("zone.json"), state.resolve("tasks.jsonl"), state.resolve("transcripts"));
        crew = Crew.restore(zone, store, Map.of("fake", brain, "other", renamed(other, "other")), System.getenv());
        ended(act("hi"));
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", "foreman.1@other", Placement.LAST))
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
        assertThatThrownBy(() -> act("x")).hasMessageContaining("unknown key 'heroes' (known: hero, roles, brains, notify, triggers, budget, worktrees)");
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

    @Test
    void anAliasPicksOnlyACloneOfThatProfileAndThePlainBrainOnlyAPlainOne() throws Exception {
        ended(act("hero on the plain fake"));
        TaskInfo quick = crew.submit(TaskMode.ACT, "x", "foreman@quick", Placement.LAST);
        assertThat(quick.cloneSlug()).as("foreman.1 runs fake without quick's model").isEqualTo("foreman.2");
        ended(quick);
        assertThat(crew.submit(TaskMode.ACT, "y", "foreman@quick", Placement.LAST).cloneSlug()).isEqualTo("foreman.2");
        assertThat(crew.submit(TaskMode.ACT, "z", "foreman@fake", Placement.LAST).cloneSlug()).isEqualTo("foreman.1");
        assertThat(crew.status("@quick")).extracting(CloneInfo::slug).containsExactly("foreman.2");
        assertThat(crew.status("@fake")).extracting(CloneInfo::slug).containsExactly("foreman.1");
        assertThat(crew.status("foreman.1@quick")).as("a clone named exactly only has to run the brain")
                .extracting(CloneInfo::slug).containsExactly("foreman.1");
    }

    @Test
    void theCrewFileKeepsTheProfileNameNotItsSecretsAndARestoredCloneGetsTheSettingsFromKhloneYml() throws Exception {
        Files.writeString(zone.root().resolve("khlone.yml"),
                "hero: foreman@fake\nbrains:\n  keyed:\n    brain: fake\n    env: {FAKE_API_KEY: sk-secret-7f3a}\n");
        DaemonProcess dying = daemon();
        TaskInfo first = dying.submit("mechanic@keyed++", "env FAKE_API_KEY");
        assertThat(ended(dying, first).result()).isEqualTo("FAKE_API_KEY is set (14 chars)");
        TaskInfo queued = dying.submit("mechanic.1", "sleep 30 keep it busy");
        TaskInfo after = dying.submit("mechanic.1", "env FAKE_API_KEY");
        awaitActive(dying, queued);
        dying.kill();
        assertThat(secretIn(state)).as("no file of the state holds the key").isEmpty();
        assertThat(Files.readString(state.resolve("zone.json"))).contains("\"profile\":\"keyed\"");

        Files.writeString(zone.root().resolve("khlone.yml"),
                "hero: foreman@fake\nbrains:\n  keyed:\n    brain: fake\n    env: {FAKE_API_KEY: sk-rotated-9b1c-22}\n");
        crew = open();
        crew.cancel(queued.id());
        assertThat(ended(crew.task(after.id()).orElseThrow()).result()).as("today's key, from khlone.yml by name")
                .isEqualTo("FAKE_API_KEY is set (18 chars)");
        assertThat(crew.status("mechanic@keyed")).extracting(CloneInfo::slug).containsExactly("mechanic.1");

        dying = daemon();
        TaskInfo later = dying.submit("mechanic.1", "sleep 30 busy again");
        TaskInfo last = dying.submit("mechanic.1", "env FAKE_API_KEY");
        awaitActive(dying, later);
        dying.kill();
        Files.writeString(zone.root().resolve("khlone.yml"), "hero: foreman@fake\n");
        crew = open();
        crew.cancel(later.id());
        assertThat(ended(crew.task(last.id()).orElseThrow()).result()).as("the alias is gone: the plain brain")
                .isEqualTo("FAKE_API_KEY is unset");
        assertThat(Files.readString(state.resolve("transcripts/mechanic.1.jsonl")))
                .contains("the brain alias keyed is no longer in khlone.yml; mechanic.1 runs plain fake");
        assertThat(secretIn(state)).isEmpty();
    }

    @Test
    void aCrewFileOfAnOlderKhloneWithSecretsLoadsAndLosesThemOnTheNextSave() throws Exception {
        crew.shutdown();
        store.close();
        Files.writeString(state.resolve("zone.json"), "{\"version\":1,\"hero\":\"foreman.1\",\"indexes\":"
                + "[{\"role\":\"foreman\",\"index\":1}],\"clones\":[{\"slug\":\"foreman.1\",\"role\":\"foreman\","
                + "\"index\":1,\"brain\":\"fake\",\"model\":\"m1\",\"args\":[],\"env\":[{\"name\":\"FAKE_API_KEY\","
                + "\"value\":\"sk-secret-7f3a\"}],\"seriesStarted\":false,\"queue\":[]}]}\n");
        crew = open();
        assertThat(ended(act("hello again")).cloneSlug()).isEqualTo("foreman.1");
        assertThat(secretIn(state)).isEmpty();
    }

    @Test
    void anUnreadableCrewFileIsSetAsideAndTheCrewIsRebuiltFromTheJournalWithItsQueuedWork() throws Exception {
        DaemonProcess dying = daemon();
        TaskInfo running = dying.submit(null, "sleep 3 interrupted");
        TaskInfo queued = dying.submit(null, "queued for the hero");
        TaskInfo quick = dying.submit("mechanic@quick++", "sleep 3 on quick");
        TaskInfo behind = dying.submit("mechanic.1", "queued for the mechanic");
        awaitActive(dying, running);
        awaitActive(dying, quick);
        dying.kill();
        Files.writeString(state.resolve("zone.json"), "{\"clones\": [garbage");

        crew = open();
        assertThat(ended(crew.task(queued.id()).orElseThrow()).result()).isEqualTo("echo: queued for the hero");
        assertThat(ended(crew.task(running.id()).orElseThrow()).status()).isEqualTo(Status.DONE);
        assertThat(ended(crew.task(behind.id()).orElseThrow()).result()).isEqualTo("echo: queued for the mechanic");
        assertThat(crew.status(null)).extracting(CloneInfo::slug).containsExactlyInAnyOrder("foreman.1", "mechanic.1");
        assertThat(crew.status("@quick")).as("the profile came from the journal").extracting(CloneInfo::slug)
                .containsExactly("mechanic.1");
        assertThat(crew.submit(TaskMode.ACT, "x", "mechanic++", Placement.LAST).cloneSlug()).isEqualTo("mechanic.2");
        try (var files = Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("zone.json.damaged-"));
        }
    }

    @Test
    void aCrewFileMovedAwayLeavesNoQueuedTaskBehind() throws Exception {
        DaemonProcess dying = daemon();
        TaskInfo running = dying.submit(null, "sleep 2 running");
        TaskInfo queued = dying.submit(null, "still wanted");
        awaitActive(dying, running);
        dying.kill();
        Files.delete(state.resolve("zone.json"));
        crew = open();
        assertThat(ended(crew.task(queued.id()).orElseThrow()).result()).isEqualTo("echo: still wanted");
        assertThat(ended(crew.task(running.id()).orElseThrow()).status()).isEqualTo(Status.DONE);
    }

    @Test
    void whenTheDiskIsFullAnAwaiterIsToldAtOnceTheEndIsSavedWhenSpaceReturnsAndTheTaskNeverRunsAgain() throws Exception {
        Path state = Files.createDirectory(tmp.resolve("small"));
        SmallDisk disk = onSmallDisk(state);
        try {
            // Bigger than a page: tmpfs refuses it (a short record still fits in the journal's last page).
            TaskInfo task = act("sleep 1 through a full disk " + "x".repeat(5000));
            awaitActive(task);
            CompletableFuture<TaskInfo> end = new CompletableFuture<>();
            CompletableFuture<CrewException> unsaved = new CompletableFuture<>();
            crew.await(task.id(), end::complete, unsaved::complete);
            Path filler = disk.fill();

            CrewException told = unsaved.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(told.reply("1").code()).isEqualTo("state-unwritable");
            assertThat(told).hasMessage("the zone's state could not be saved: no space left on device");
            assertThat(told.reply("1").hint()).contains("KHLONE_HOME (" + state + ")");
            assertThat(end).isNotDone();
            assertThatThrownBy(() -> act("refused while the disk is full")).isInstanceOfSatisfying(CrewException.class,
                    e -> assertThat(e.reply("1").code()).isEqualTo("state-unwritable"));
            assertThat(crew.status(null).get(0).queue()).isEmpty();

            Files.delete(filler);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.readString(state.resolve("tasks.jsonl")).contains("\"status\":\"done\"")) {
                assertThat(System.nanoTime()).as("the kept record is written once there is space").isLessThan(deadline);
                Thread.sleep(50);
            }
            String series = crew.status(null).get(0).series();
            crew.shutdown();
            store.close();
            openOn(state);
            assertThat(crew.task(task.id()).orElseThrow().status()).isEqualTo(Status.DONE);
            assertThat(ended(act("after")).result()).isEqualTo("echo: after");
            assertThat(brain.history(series)).hasSize(2).last().isEqualTo("after");
        } finally {
            crew.shutdown();
            store.close();
            disk.close();
        }
    }

    /** Files under {@code dir} that hold the test's secret. */
    private static List<Path> secretIn(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains("sk-secret-7f3a");
                } catch (java.nio.file.NoSuchFileException e) {
                    return false; // the crew file's temp copy, renamed to zone.json while the walk went on
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** Waits until the fake brain's escaping tool child of {@code file} has started; returns its pid. */
    private long awaitEscapee(Path file) throws Exception {
        Path started = Path.of(file + ".started");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(started) || Files.readString(started).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the brain never started its tool child");
            }
            Thread.sleep(10);
        }
        return Long.parseLong(Files.readAllLines(started).get(0).trim());
    }

    @Test
    void aTaskForAnIdleCloneThatAFullDiskRefusesChangesNothingAndItsBrainNeverHearsOfIt() throws Exception {
        Path state = Files.createDirectory(tmp.resolve("small"));
        SmallDisk disk = onSmallDisk(state);
        try {
            ended(act("before"));
            String series = crew.status(null).get(0).series();
            Path filler = disk.fill();

            // Bigger than a page: tmpfs refuses it (a short record still fits in the journal's last page).
            String refused = "refused " + "x".repeat(5000);
            assertThatThrownBy(() -> act(refused)).isInstanceOfSatisfying(CrewException.class,
                    e -> assertThat(e.reply("1").code()).isEqualTo("state-unwritable"));
            CloneInfo clone = crew.status(null).get(0);
            assertThat(clone.state()).isEqualTo(CloneInfo.State.IDLE);
            assertThat(clone.task()).isNull();
            assertThat(clone.queue()).isEmpty();

            Files.delete(filler);
            assertThat(ended(act("after")).result()).isEqualTo("echo: after");
            assertThat(brain.history(series)).containsExactly("before", "after");
            assertThat(Files.readString(state.resolve("tasks.jsonl"))).doesNotContain("refused");
        } finally {
            crew.shutdown();
            store.close();
            disk.close();
        }
    }

    /** Waits until the brain itself has begun the prompt, not just been handed it. */
    private void awaitHistory(String prompt) throws Exception {
        awaitHistory(prompt, 1);
    }

    /** Waits until the brain has begun the prompt {@code times} times. */
    private void awaitHistory(String prompt, int times) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (brain.history(crew.status(null).get(0).series()).stream().filter(prompt::equals).count() < times) {
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
        store = Store.open(state.resolve("zone.json"), state.resolve("tasks.jsonl"), state.resolve("transcripts"));
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

    private static void awaitActive(DaemonProcess daemon, TaskInfo task) {
        Await.until(WAIT, task.id() + " running", () -> daemon.task(task.id()).status() == Status.ACTIVE);
    }

    /** Waits until the daemon's hero's brain has begun {@code prompt} {@code times} times. */
    private void awaitHistory(DaemonProcess daemon, String prompt, int times) {
        Await.until(WAIT, "the brain to begin " + prompt + " " + times + " times", () ->
                brain.history(daemon.clones().get(0).series()).stream().filter(prompt::equals).count() >= times);
    }

    private static TaskInfo ended(DaemonProcess daemon, TaskInfo task) {
        return Await.value(WAIT, task.id() + " to end",
                () -> Optional.of(daemon.task(task.id())).filter(t -> t.status().ended()));
    }

    /** The same fake brain under another name. */
    private static Brain renamed(Brain brain, String name) {
        return (Brain) java.lang.reflect.Proxy.newProxyInstance(Brain.class.getClassLoader(), new Class<?>[] {Brain.class},
                (proxy, method, args) -> method.getName().equals("name") ? name : method.invoke(brain, args));
    }
}
