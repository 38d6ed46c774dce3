package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of every task and who waits for which, on a real journal, without clones. */
class TaskBookTest {
    @TempDir
    Path tmp;
    Store store;
    TaskBook book;

    @BeforeEach
    void setUp() throws Exception {
        store = Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"));
        book = new TaskBook(store, tmp, Map.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    @Test
    void anEndIsJournaledWithTheClonesProfileBeforeItsAwaitersHearOfItAndAnAwaiterAfterTheEndHearsAtOnce() throws Exception {
        book.runs("mechanic.1", "quick");
        TaskInfo task = book.open("mechanic.1", TaskMode.ACT, "fix it", 1, null, null);
        book.taskChanged(task);
        List<String> heard = new CopyOnWriteArrayList<>();
        book.await(task.id(), null, t -> heard.add(journal() + " | " + t.status()), e -> heard.add("not: " + e.getMessage()));
        assertThat(heard).isEmpty();

        TaskInfo done = task.started(2).ended(Status.DONE, "ok", null, 3);
        book.taskChanged(done);
        assertThat(heard).singleElement().asString().contains("\"status\":\"done\"").contains("\"profile\":\"quick\"")
                .endsWith("| DONE");
        assertThat(book.get(task.id())).contains(done);

        List<TaskInfo> late = new ArrayList<>();
        book.await(task.id(), null, late::add, e -> { });
        assertThat(late).containsExactly(done);
    }

    @Test
    void anUndoneAwaitHearsNothingAndAnUnknownTaskIsRefused() throws Exception {
        TaskInfo task = book.open("foreman.1", TaskMode.ASK, "why", 1, null, null);
        book.taskChanged(task);
        List<TaskInfo> heard = new ArrayList<>();
        book.await(task.id(), null, heard::add, e -> { }).run();
        book.taskChanged(task.ended(Status.CANCELLED, null, "cancelled", 2));
        assertThat(heard).isEmpty();
        assertThatThrownBy(() -> book.await("t-none", null, t -> { }, e -> { })).isInstanceOfSatisfying(CrewException.class,
                e -> assertThat(e.reply("1").code()).isEqualTo("unknown-task"));
    }

    @Test
    void theAwaitersOfTasksLeftAtAFailedCloneAreToldTheyWaitForAPerson() throws Exception {
        TaskInfo task = book.open("foreman.1", TaskMode.ACT, "stuck", 1, null, null);
        book.taskChanged(task);
        List<String> told = new ArrayList<>();
        book.await(task.id(), null, t -> told.add("ended"), e -> told.add(e.getMessage() + " / " + e.reply("1").hint()));
        book.cloneFailed("foreman.1", "it crashed 4 times in 60 s", List.of(task.id()));
        assertThat(told).containsExactly("foreman.1 has failed (it crashed 4 times in 60 s); " + task.id()
                + " waits in its queue / revive it: khlone reboot foreman.1 (or khlone cancel " + task.id() + ")");
    }

    @Test
    void aRefusedTaskIsForgottenButNotOneThatChangedMeanwhile() throws Exception {
        TaskInfo refused = book.open("foreman.1", TaskMode.ACT, "refused", 1, null, null);
        book.refused(refused);
        assertThat(book.get(refused.id())).isEmpty();

        TaskInfo kept = book.open("foreman.1", TaskMode.ACT, "kept", 1, null, null);
        book.taskChanged(kept.started(2));
        book.refused(kept);
        assertThat(book.get(kept.id())).contains(kept.started(2));
        assertThat(book.active()).containsExactly(kept.started(2));
    }

    @Test
    void theEndOfTheZonesLastUnfinishedTaskIsToldWhateverItsHistoryHolds() throws Exception {
        TaskInfo old = TaskInfo.queued("t-0ld", "foreman.1", TaskMode.ACT, "done long ago", 1).started(2)
                .ended(Status.DONE, "ok", null, 3);
        TaskInfo left = TaskInfo.queued("t-1eft", "foreman.1", TaskMode.ACT, "running when the daemon died", 4)
                .withBudget(2.0).started(5);
        book = new TaskBook(store, tmp, Map.of(old.id(), old, left.id(), left));
        assertThat(book.anyUnfinished()).isTrue();
        assertThat(book.active()).containsExactly(left);
        assertThat(book.budgetOfRunning("foreman.1")).isEqualTo(2.0);

        TaskInfo next = book.open("foreman.1", TaskMode.ACT, "queued behind it", 6, null, null);
        assertThat(book.taskChanged(next)).as("a task queued").isFalse();
        assertThat(book.taskChanged(left.ended(Status.DONE, "ok", null, 7))).as("one still queued").isFalse();
        assertThat(book.active()).isEmpty();
        assertThat(book.budgetOfRunning("foreman.1")).isNull();
        assertThat(book.anyUnfinished()).isTrue();

        assertThat(book.taskChanged(next.started(8).ended(Status.FAILED, null, "no", 9))).as("the last one").isTrue();
        assertThat(book.anyUnfinished()).isFalse();
        TaskInfo refused = book.open("foreman.1", TaskMode.ACT, "refused", 10, null, null);
        assertThat(book.anyUnfinished()).isTrue();
        book.refused(refused);
        assertThat(book.anyUnfinished()).isFalse();
    }

    /** The journal's last line. */
    private String journal() {
        try {
            List<String> lines = Files.readAllLines(tmp.resolve("tasks.jsonl"));
            return lines.get(lines.size() - 1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
