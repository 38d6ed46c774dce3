package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.crew.CrashPolicy.Verdict;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a crashed clone boots again, and when it gives up, on a clock the test holds. */
class CrashPolicyTest {
    private static final long WINDOW = CrashPolicy.CRASH_WINDOW.toMillis();
    private final CrashPolicy policy = new CrashPolicy();

    private static Verdict retry(long seconds) {
        return new Verdict.Retry(Duration.ofSeconds(seconds));
    }

    @Test
    void crashesInARowWaitLongerEachTimeAndOneTooManyInTheWindowFailsTheCloneWithTheReason() {
        assertThat(policy.clockIn(0, "exit 1")).isEqualTo(retry(1));
        assertThat(policy.clockIn(1_000, "exit 1")).isEqualTo(retry(2));
        assertThat(policy.clockIn(3_000, "exit 1")).isEqualTo(retry(4));
        assertThat(policy.clockIn(7_000, "exit 9"))
                .isEqualTo(new Verdict.Fail("exit 9; it crashed 4 times in 60 s"));
    }

    @Test
    void crashesOlderThanTheWindowAreForgottenAndTheBackoffStopsAtItsCap() {
        for (int crash = 0; crash < 8; crash++) {
            long expected = Math.min(1L << crash, CrashPolicy.MAX_BACKOFF.toSeconds());
            assertThat(policy.clockIn(crash * (WINDOW / 2 + 1), "exit 1")).isEqualTo(retry(expected));
        }
    }

    @Test
    void aCompletedTurnStartsTheBackoffOverButNotTheWindow() {
        policy.clockIn(0, "exit 1");
        policy.clockIn(1_000, "exit 1");
        policy.turnCompleted();
        assertThat(policy.clockIn(2_000, "exit 1")).isEqualTo(retry(1));
        assertThat(policy.clockIn(3_000, "exit 1")).isInstanceOf(Verdict.Fail.class);
    }

    @Test
    void aRebootByAPersonForgivesEveryCrashBefore() {
        for (int crash = 0; crash < CrashPolicy.MAX_CRASHES; crash++) {
            policy.clockIn(crash, "exit 1");
        }
        policy.forgive();
        assertThat(policy.clockIn(10, "exit 1")).isEqualTo(retry(1));
    }

    @Test
    void aTaskCutShortTooOftenIsGivenUpWithEveryReason() {
        TaskInfo task = TaskInfo.queued("t-1", "foreman.1", TaskMode.ACT, "p", 0).started(1);
        for (int cut = 1; cut < CrashPolicy.MAX_INTERRUPTIONS; cut++) {
            task = task.interrupted("crash " + cut);
            assertThat(CrashPolicy.givenUp(task, 5)).isNull();
        }
        TaskInfo givenUp = CrashPolicy.givenUp(task.interrupted("the daemon died"), 5);
        assertThat(givenUp.status()).isEqualTo(Status.FAILED);
        assertThat(givenUp.error()).isEqualTo("interrupted 3 times: crash 1; crash 2; the daemon died");
    }
}
