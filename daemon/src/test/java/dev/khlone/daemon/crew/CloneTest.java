package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.protocol.zone.ZoneKey;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clone tells of a change only once what others read of it shows the change. */
class CloneTest {
    @TempDir
    Path tmp;
    Crew crew;
    Store store;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\n");
        store = Store.open(tmp.resolve("state/zone.json"), tmp.resolve("state/tasks.jsonl"), tmp.resolve("state/transcripts"));
        Map<String, Brain> brains = Map.of("fake", FakeBrain.persistent(tmp.resolve("brain")));
        crew = Crew.restore(Zone.at(root, ZoneKey.in(tmp)), store, brains, System.getenv());
    }

    @AfterEach
    void tearDown() throws Exception {
        crew.shutdown();
        store.close();
    }

    @Test
    void aTaskThatStartsAndEndsInItsTurnLeavesTheCrewFileAsItWasForTheJournalSaysAllARestoreNeeds() throws Exception {
        Path crewFile = tmp.resolve("state/zone.json");
        ended(crew.submit(TaskMode.ACT, "first", null, Placement.LAST)); // its series began: that was saved
        String before = Files.readString(crewFile);
        FileTime marked = FileTime.fromMillis(Files.getLastModifiedTime(crewFile).toMillis() - 60_000);
        Files.setLastModifiedTime(crewFile, marked); // a save replaces the file: a new one has another time

        TaskInfo second = ended(crew.submit(TaskMode.ACT, "second", null, Placement.LAST));
        assertThat(second.status()).isEqualTo(TaskInfo.Status.DONE);
        // Accepted once the owner thread is done with the second task's end, a save after it included.
        ended(crew.submit(TaskMode.ACT, "third", null, Placement.LAST));
        assertThat(Files.getLastModifiedTime(crewFile)).isEqualTo(marked);
        assertThat(Files.readString(crewFile)).isEqualTo(before).doesNotContain(second.id());
    }

    private TaskInfo ended(TaskInfo task) throws Exception {
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), end::complete, end::completeExceptionally);
        return end.get(20, TimeUnit.SECONDS);
    }

    @Test
    void whoeverHearsATaskEndedSeesItsCloneIdleWithTheTurnCounted() throws Exception {
        TaskInfo task = crew.submit(TaskMode.ACT, "sleep 0.3 a", null, Placement.LAST);
        CompletableFuture<List<CloneInfo>> seen = new CompletableFuture<>();
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), ended -> {
            end.complete(ended);
            try {
                seen.complete(crew.status(null));
            } catch (CrewException e) {
                seen.completeExceptionally(e);
            }
        }, seen::completeExceptionally);
        CloneInfo clone = seen.get(20, TimeUnit.SECONDS).get(0);
        assertThat(clone.state()).isEqualTo(CloneInfo.State.IDLE);
        assertThat(clone.task()).isNull();
        assertThat(clone.inputTokens()).isPositive().isEqualTo(end.get().inputTokens());
    }
}
