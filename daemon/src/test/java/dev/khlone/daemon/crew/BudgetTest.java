package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** khlone.yml's {@code budget}: a task's cap (act --budget, the profile's, the zone's) and the zone's for a day. The fake brain's turn costs $0.0015. */
class BudgetTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    Crew crew;
    Store store;
    Path transcripts;

    private void open(String config) throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), config);
        Locations locations = new Locations(tmp.resolve("home"), tmp.resolve("s"));
        Zone zone = locations.zoneAt(root);
        transcripts = locations.transcripts(zone);
        store = Store.open(locations.crewFile(zone), locations.taskJournal(zone), transcripts);
        Map<String, Brain> brains = Map.of("fake", FakeBrain.persistent(tmp.resolve("brain")));
        crew = Crew.restore(zone, store, brains, System.getenv());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (crew != null) {
            crew.shutdown();
            store.close();
        }
    }

    private TaskInfo ended(TaskInfo task) throws Exception {
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), end::complete, end::completeExceptionally);
        return end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aTaskWhoseTurnCostsMoreThanItsBudgetFailsSayingSoAndActBudgetOverridesTheDefaults() throws Exception {
        open("hero: foreman@fake\nbudget: {task: 0.001}\nbrains:\n  rich:\n    brain: fake\n    budget: 0.01\n");
        TaskInfo over = ended(crew.submit(TaskMode.ACT, "spend", null, Placement.LAST));
        assertThat(over.status()).isEqualTo(Status.FAILED);
        assertThat(over.budgetUsd()).isEqualTo(0.001);
        assertThat(over.error()).isEqualTo("over its budget: it cost $0.0015, more than the $0.001 it may");

        TaskInfo allowed = ended(crew.submit(TaskMode.ACT, "spend", null, Placement.LAST, 0.01, null));
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(Status.DONE);
        TaskInfo profile = ended(crew.submit(TaskMode.ACT, "spend", "scout@rich++", Placement.LAST));
        assertThat(profile.budgetUsd()).isEqualTo(0.01);
        assertThat(profile.status()).as(profile.toString()).isEqualTo(Status.DONE);
    }

    @Test
    void theZonesDayCapsWhatIsLeftAndOnceSpentTasksFailWithoutRunning() throws Exception {
        open("hero: foreman@fake\nbudget: {day: 0.002}\n");
        assertThat(ended(crew.submit(TaskMode.ACT, "first", null, Placement.LAST)).status()).isEqualTo(Status.DONE);
        TaskInfo second = ended(crew.submit(TaskMode.ACT, "second", null, Placement.LAST));
        assertThat(second.status()).isEqualTo(Status.FAILED);
        assertThat(second.budgetUsd()).as("what was left of the day").isCloseTo(0.0005, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(second.error()).startsWith("over its budget: it cost $0.0015");
        assertThat(Files.readString(transcripts.resolve("foreman.1.jsonl")))
                .contains("its budget is what is left of the zone's for today (budget.day): $0.0005");
        TaskInfo third = ended(crew.submit(TaskMode.ACT, "third", null, Placement.LAST));
        assertThat(third.status()).isEqualTo(Status.FAILED);
        assertThat(third.error()).isEqualTo("the zone's budget for today is spent (budget.day in khlone.yml): the task did not run");
        assertThat(third.costUsd()).isNull();
    }

    @Test
    void statusSaysWhetherAClonesBrainRunsAProcessPerTaskAndAProcessModeThatIsNeitherIsRefused() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\nbrains:\n  once:\n    brain: once\n    process: single-shot\n");
        Locations locations = new Locations(tmp.resolve("home"), tmp.resolve("s"));
        Zone zone = locations.zoneAt(root);
        store = Store.open(locations.crewFile(zone), locations.taskJournal(zone), locations.transcripts(zone));
        crew = Crew.restore(zone, store, Map.of("fake", FakeBrain.persistent(tmp.resolve("brain")),
                "once", FakeBrain.perTask(tmp.resolve("once"))), System.getenv());
        ended(crew.submit(TaskMode.ACT, "hello", null, Placement.LAST));
        ended(crew.submit(TaskMode.ACT, "hello", "scout@once++", Placement.LAST));
        assertThat(crew.status(null)).extracting(c -> c.slug() + " " + c.process())
                .containsExactlyInAnyOrder("foreman.1 persistent", "scout.1 single-shot");

        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\nbrains:\n  once:\n    brain: fake\n    process: sometimes\n");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", null, Placement.LAST)).isInstanceOf(CrewException.class)
                .hasMessageContaining("brains.once.process: 'sometimes' is not a process mode (single-shot or persistent)");
    }

    @Test
    void aBudgetThatIsNoAmountIsRefusedNamingTheSetting() throws Exception {
        open("hero: foreman@fake\nbudget: {task: lots}\n");
        assertThatThrownBy(() -> crew.submit(TaskMode.ACT, "x", null, Placement.LAST))
                .isInstanceOf(CrewException.class)
                .hasMessageContaining("budget.task: 'lots' is not an amount of dollars");
    }
}
