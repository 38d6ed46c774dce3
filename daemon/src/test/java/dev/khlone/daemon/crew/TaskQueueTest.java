package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.brain.BrainEvent.TurnCompleted;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A clone's queue alone: order, interruptions and what the next attempt is told, cancel. */
class TaskQueueTest {
    private final TaskQueue queue = new TaskQueue();

    private static TaskInfo task(String id) {
        return TaskInfo.queued(id, "foreman.1", TaskMode.ACT, "do " + id, 1);
    }

    /** Starts the next task; its id. */
    private String next() {
        return queue.start(10).task().id();
    }

    @Test
    void lastRunsInOrderFirstGoesAfterTheRunningTaskAndOneAtATime() {
        queue.place(task("t-1"), Placement.LAST);
        queue.place(task("t-2"), Placement.LAST);
        assertThat(next()).isEqualTo("t-1");
        assertThat(queue.start(11)).as("one at a time").isNull();
        assertThat(queue.place(task("t-3"), Placement.FIRST)).isNull();
        assertThat(queue.running().id()).isEqualTo("t-1");
        assertThat(queue.waitingIds()).containsExactly("t-3", "t-2");
    }

    @Test
    void disruptPutsTheRunningTaskBackRightAfterTheNewOneAndItsNextPromptSaysWhy() {
        queue.place(task("t-1"), Placement.LAST);
        queue.place(task("t-2"), Placement.LAST);
        next();
        TaskInfo interrupted = queue.place(task("t-3"), Placement.DISRUPT);
        assertThat(interrupted.id()).isEqualTo("t-1");
        assertThat(interrupted.status()).isEqualTo(Status.QUEUED);
        assertThat(interrupted.interruptions()).as("a person's interruption does not count against the task").isEmpty();
        assertThat(queue.running()).isNull();
        assertThat(queue.waitingIds()).containsExactly("t-3", "t-1", "t-2");
        assertThat(queue.start(12).prompt()).isEqualTo("do t-3");
        queue.finish(done(false), 13);
        TaskQueue.Started again = queue.start(14);
        assertThat(again.task().attempts()).isEqualTo(2);
        assertThat(again.prompt()).startsWith("(khlone: an earlier attempt at this task was interrupted before it finished"
                + " (a person had t-3 run first). Check what it already did").endsWith("\n\ndo t-1");
    }

    @Test
    void disruptWithNothingRunningJustGoesFirst() {
        queue.place(task("t-1"), Placement.LAST);
        assertThat(queue.place(task("t-2"), Placement.DISRUPT)).isNull();
        assertThat(queue.waitingIds()).containsExactly("t-2", "t-1");
    }

    @Test
    void aCrashCountsAgainstTheRunningTaskWhichKeepsItsPlaceUntilItWasCutShortTooOften() {
        queue.place(task("t-1"), Placement.LAST);
        queue.place(task("t-2"), Placement.LAST);
        for (int crash = 1; crash < CrashPolicy.MAX_INTERRUPTIONS; crash++) {
            next();
            TaskInfo back = queue.interrupt("crash " + crash, 20);
            assertThat(back.status()).isEqualTo(Status.QUEUED);
            assertThat(back.interruptions()).hasSize(crash);
            assertThat(queue.waitingIds()).containsExactly("t-1", "t-2");
        }
        assertThat(queue.start(30).prompt()).contains("(crash " + (CrashPolicy.MAX_INTERRUPTIONS - 1) + ")");
        TaskInfo givenUp = queue.interrupt("crash 3", 31);
        assertThat(givenUp.status()).isEqualTo(Status.FAILED);
        assertThat(givenUp.error()).isEqualTo("interrupted 3 times: crash 1; crash 2; crash 3");
        assertThat(givenUp.endedMs()).isEqualTo(31);
        assertThat(queue.waitingIds()).containsExactly("t-2");
        assertThat(queue.interrupt("nothing runs", 32)).isNull();
    }

    @Test
    void aTaskRestoredAfterItsDaemonDiedIsToldOfItsLastInterruption() {
        TaskInfo ran = task("t-1").started(5).interrupted("the daemon died during it");
        queue.restore(List.of(ran, task("t-2")));
        assertThat(queue.waitingIds()).containsExactly("t-1", "t-2");
        assertThat(queue.start(6).prompt()).contains("(the daemon died during it)").endsWith("do t-1");
    }

    @Test
    void aTurnEndsDoneWithWhatItUsedOrFailedWhenTheBrainSaysSo() {
        queue.place(task("t-1"), Placement.LAST);
        queue.place(task("t-2"), Placement.LAST);
        next();
        TaskInfo done = queue.finish(done(false), 40);
        assertThat(done.status()).isEqualTo(Status.DONE);
        assertThat(done.result()).isEqualTo("the result");
        assertThat(done.error()).isNull();
        assertThat(List.of(done.inputTokens(), done.outputTokens(), done.cacheReadTokens(), done.cacheWriteTokens()))
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(done.costUsd()).isEqualTo(0.5);
        assertThat(queue.running()).isNull();
        next();
        TaskInfo failed = queue.finish(done(true), 41);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.error()).isEqualTo("the result");
    }

    @Test
    void cancelEndsARunningOrAWaitingTaskAndKnowsNoOther() {
        queue.place(task("t-1"), Placement.LAST);
        queue.place(task("t-2"), Placement.LAST);
        next();
        assertThat(queue.cancel("t-9", 50)).isNull();
        TaskInfo waiting = queue.cancel("t-2", 50);
        assertThat(waiting.status()).isEqualTo(Status.CANCELLED);
        assertThat(waiting.error()).isEqualTo("cancelled before it ran");
        assertThat(queue.isRunning("t-1")).isTrue();
        assertThat(queue.cancel("t-1", 51).error()).isEqualTo("cancelled while running");
        assertThat(queue.running()).isNull();
        assertThat(queue.waitingIds()).isEmpty();
    }

    @Test
    void cancelAllEndsTheRunningTaskFirstThenTheQueueInOrder() {
        queue.place(task("t-1"), Placement.LAST);
        queue.place(task("t-2"), Placement.LAST);
        queue.place(task("t-3"), Placement.LAST);
        next();
        List<TaskInfo> cancelled = queue.cancelAll("killed", 60);
        assertThat(cancelled).extracting(TaskInfo::id).containsExactly("t-1", "t-2", "t-3");
        assertThat(cancelled).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(Status.CANCELLED);
            assertThat(t.error()).isEqualTo("killed");
        });
        assertThat(queue.running()).isNull();
        assertThat(queue.start(61)).isNull();
    }

    private static TurnCompleted done(boolean isError) {
        return new TurnCompleted("the result", new Usage(1, 2, 3, 4), 0.5, 100, isError);
    }
}
