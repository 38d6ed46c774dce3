package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.TaskInfo;
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

/** Following the whole crew ({@code khlone top}): the crew first, then each change pushed; a follower that does not read holds up nobody. */
class FollowTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    Crew crew;
    Store store;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\n");
        store = Store.open(tmp.resolve("state/zone.json"), tmp.resolve("state/tasks.jsonl"), tmp.resolve("state/transcripts"));
        crew = Crew.restore(Zone.at(root, ZoneKey.in(tmp)), store, Map.of("fake", FakeBrain.persistent(tmp.resolve("brain"))),
                System.getenv());
    }

    @AfterEach
    void tearDown() throws Exception {
        crew.shutdown();
        store.close();
    }

    private TaskInfo ended(TaskInfo task) throws Exception {
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), end::complete, end::completeExceptionally);
        return end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private RecordingClient follower(String re) {
        return follow(new RecordingClient(), re);
    }

    private RecordingClient follow(RecordingClient client, String re) {
        crew.follow(client, re, clones -> new Reply.ZoneStatus(re, "/z", "z", 1, 0, "v", null, clones));
        return client;
    }

    private static List<CloneInfo> changes(RecordingClient client) {
        return client.received().stream().filter(r -> r instanceof Push.CloneChanged).map(r -> ((Push.CloneChanged) r).info()).toList();
    }

    @Test
    void aFollowerGetsTheCrewThenEachChangeAsItHappens() throws Exception {
        ended(crew.submit(TaskMode.ACT, "hello before", null, Placement.LAST));
        RecordingClient top = follower("f1");
        Reply first = top.received().get(0);
        assertThat(first).isInstanceOf(Reply.ZoneStatus.class);
        assertThat(((Reply.ZoneStatus) first).clones()).extracting(CloneInfo::slug).containsExactly("foreman.1");

        TaskInfo slow = crew.submit(TaskMode.ACT, "sleep 1 first line\nsecond line", null, Placement.LAST);
        TaskInfo queued = crew.submit(TaskMode.ACT, "echo me", null, Placement.LAST);
        top.await(Push.CloneChanged.class, c -> slow.id().equals(c.info().task())
                && c.info().state() == CloneInfo.State.ACTIVE && c.info().queue().equals(List.of(queued.id()))
                && "sleep 1 first line".equals(c.info().prompt()), WAIT);
        top.await(Push.CloneChanged.class, c -> "sleeping 1".equals(c.info().said()), WAIT);
        ended(queued);
        top.await(Push.CloneChanged.class, c -> c.info().state() == CloneInfo.State.IDLE && c.info().task() == null
                && c.info().queue().isEmpty() && c.info().said() != null && c.info().said().contains("echo me"), WAIT);

        crew.kill("foreman.1");
        top.await(Push.CloneLeft.class, l -> l.slug().equals("foreman.1"), WAIT);
    }

    @Test
    void whatACloneSaidLastIsTheLastLineThatIsNotBlankOfItsLastText() throws Exception {
        ended(crew.submit(TaskMode.ACT, "enroll the hero", null, Placement.LAST));
        RecordingClient top = follower("f1");
        ended(crew.submit(TaskMode.ACT, "first line\nthe last line\n  \n\t", null, Placement.LAST));
        top.await(Push.CloneChanged.class, c -> c.info().state() == CloneInfo.State.IDLE
                && "the last line".equals(c.info().said()), WAIT);
    }

    @Test
    void aFollowerThatDoesNotReadHoldsUpNoCloneAndThenGetsTheLatestStateNotABacklog() throws Exception {
        ended(crew.submit(TaskMode.ACT, "enroll the hero", null, Placement.LAST));
        RecordingClient stuck = new RecordingClient();
        stuck.stall(true); // from its first frame: the clone's change after the task above may still be on its way
        follow(stuck, "stuck");
        RecordingClient reading = follower("reading");
        TaskInfo last = null;
        for (int i = 0; i < 5; i++) {
            last = crew.submit(TaskMode.ACT, "task " + i, null, Placement.LAST);
        }
        assertThat(ended(last).status()).as("the clone works on while a follower reads nothing").isEqualTo(TaskInfo.Status.DONE);
        // The clone's last change (idle, what it said) is published after its task's end is told: every follower has it once this one does.
        reading.await(Push.CloneChanged.class, c -> c.info().state() == CloneInfo.State.IDLE
                && "echo: task 4".equals(c.info().said()), WAIT);
        assertThat(changes(reading).size()).as("a reading follower sees every step").isGreaterThan(5);
        assertThat(changes(stuck)).isEmpty();

        stuck.stall(false);
        Push.CloneChanged caughtUp = stuck.await(Push.CloneChanged.class, c -> true, WAIT);
        assertThat(caughtUp.info()).as("it gets the clone as it is now").isEqualTo(crew.status(null).get(0));
        assertThat(changes(stuck)).as("once, not every change it missed").hasSize(1);
    }
}
