package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone wait}: each task's end as it comes, exit 0 only when all are done. */
class WaitTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
    }

    static TaskInfo ended(String id, TaskInfo.Status status, String error) {
        return TaskInfo.queued(id, "foreman.1", TaskMode.ACT, "x", 1).started(2).ended(status, null, error, 3);
    }

    private Reply answer(Request r) {
        if (r instanceof Request.Tasks) {
            return new Reply.TaskList(r.id(), List.of(TaskInfo.queued("t-2", "foreman.1", TaskMode.ACT, "b", 1),
                    TaskInfo.queued("t-1", "foreman.1", TaskMode.ACT, "a", 1).started(2)));
        }
        String task = ((Request.Await) r).task();
        return new Reply.TaskEnded(r.id(), task.equals("t-bad") ? ended(task, TaskInfo.Status.FAILED, "401 from the model")
                : ended(task, TaskInfo.Status.DONE, null));
    }

    @Test
    void namedTasksAreEachReportedAndExit0WhenAllAreDone() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, this::answer)) {
            Cli.Run r = cli.run("wait", "t-1", "t-2");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("t-1 done (foreman.1)" + NL + "t-2 done (foreman.1)" + NL);
            assertThat(daemon.received()).extracting(q -> ((Request.Await) q).task()).containsExactly("t-1", "t-2");
        }
    }

    @Test
    void aFailedTaskExits1WithItsReason() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, this::answer)) {
            Cli.Run r = cli.run("wait", "t-1", "t-bad");
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(r.out()).contains("t-bad failed (foreman.1): 401 from the model");
        }
    }

    @Test
    void allWaitsForEveryTaskQueuedOrRunningNow() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, this::answer)) {
            Cli.Run r = cli.run("wait", "--all");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(daemon.received().get(0)).isEqualTo(new Request.Tasks(daemon.received().get(0).id(), null, 0));
            assertThat(daemon.received().subList(1, 3)).extracting(q -> ((Request.Await) q).task()).containsExactly("t-2", "t-1");
        }
    }

    @Test
    void nothingToWaitForOrBothWaysAtOnceAreSaid() throws Exception {
        assertThat(cli.run("wait").err()).isEqualTo("khlone: wait for which tasks?" + NL
                + "  hint: khlone wait t-3f9a t-77ab, or khlone wait --all; khlone tasks lists them" + NL);
        assertThat(cli.run("wait", "--all", "t-1").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(cli.untouched()).isTrue();
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TaskList(r.id(), List.of()))) {
            assertThat(cli.run("wait", "--all").out()).isEqualTo("nothing to wait for: no task is queued or running" + NL);
        }
    }

    @Test
    void anUnknownTaskIsTheDaemonsError() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.Error(r.id(), "unknown-task", "there is no task t-x",
                "khlone tasks lists the zone's tasks"))) {
            Cli.Run r = cli.run("wait", "t-x");
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(r.err()).isEqualTo("khlone: there is no task t-x" + NL + "  hint: khlone tasks lists the zone's tasks" + NL);
        }
    }
}
