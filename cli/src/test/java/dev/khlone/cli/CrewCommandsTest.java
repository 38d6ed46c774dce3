package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone cancel}, {@code kill} and {@code reboot}: one request, one line. */
class CrewCommandsTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
    }

    static TaskInfo cancelled(String id, boolean hadStarted) {
        TaskInfo t = TaskInfo.queued(id, "foreman.1", TaskMode.ACT, "x", 1);
        return (hadStarted ? t.started(2) : t).ended(TaskInfo.Status.CANCELLED, null, null, 3);
    }

    @Test
    void cancelSaysWhatTheTaskWasDoing() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> {
            String task = ((Request.Cancel) r).task();
            return new Reply.TaskReport(r.id(), cancelled(task, task.equals("t-run")));
        })) {
            Cli.Run queued = cli.run("cancel", "t-wait");
            assertThat(queued.exitCode()).as(queued.err()).isZero();
            assertThat(queued.out()).isEqualTo("cancelled t-wait (was queued)" + NL);
            assertThat(cli.run("cancel", "t-run").out()).isEqualTo("cancelled t-run (was running)" + NL);
            assertThat(daemon.received()).extracting(r -> ((Request.Cancel) r).task()).containsExactly("t-wait", "t-run");
        }
    }

    @Test
    void cancellingAnEndedOrUnknownTaskIsTheDaemonsErrorAndExits1() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> ((Request.Cancel) r).task().equals("t-done")
                ? new Reply.Error(r.id(), "task-ended", "t-done has ended: done", "nothing to cancel")
                : new Reply.Error(r.id(), "unknown-task", "no task t-nope in this zone", "khlone status lists the tasks"))) {
            Cli.Run ended = cli.run("cancel", "t-done");
            assertThat(ended.exitCode()).isEqualTo(1);
            assertThat(ended.out()).isEmpty();
            assertThat(ended.err()).isEqualTo("khlone: t-done has ended: done" + NL + "  hint: nothing to cancel" + NL);
            Cli.Run unknown = cli.run("cancel", "t-nope");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).isEqualTo("khlone: no task t-nope in this zone" + NL
                    + "  hint: khlone status lists the tasks" + NL);
        }
    }

    @Test
    void killAndRebootNameTheCloneAndWhatHappened() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.Ok(r.id()))) {
            Cli.Run kill = cli.run("kill", "mechanic.2");
            assertThat(kill.exitCode()).as(kill.err()).isZero();
            assertThat(kill.out()).isEqualTo("killed mechanic.2: its brain has ended, its tasks are cancelled, and it has left the crew" + NL);
            Cli.Run reboot = cli.run("reboot", "foreman.1");
            assertThat(reboot.exitCode()).as(reboot.err()).isZero();
            assertThat(reboot.out()).isEqualTo("rebooted foreman.1: its brain restarted on the same series" + NL);
            Cli.Run fresh = cli.run("reboot", "--fresh", "foreman.1");
            assertThat(fresh.out()).isEqualTo("rebooted foreman.1 on a fresh conversation: its brain remembers nothing said before" + NL);
            assertThat(daemon.received()).containsExactly(new Request.Kill(daemon.received().get(0).id(), "mechanic.2"),
                    new Request.Reboot(daemon.received().get(1).id(), "foreman.1", false),
                    new Request.Reboot(daemon.received().get(2).id(), "foreman.1", true));
        }
    }

    @Test
    void killingAnUnknownCloneIsTheDaemonsError() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli,
                r -> new Reply.Error(r.id(), "unknown-clone", "no clone mechanic.9", "the crew: foreman.1"))) {
            Cli.Run r = cli.run("kill", "mechanic.9");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("khlone: no clone mechanic.9" + NL + "  hint: the crew: foreman.1" + NL);
        }
    }

    @Test
    void aProtocolMismatchExits3() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.Error(r.id(), "protocol-mismatch",
                "this daemon speaks protocol 2", "restart the daemon: khlone daemon restart"))) {
            assertThat(cli.run("reboot", "foreman.1").exitCode()).isEqualTo(3);
        }
    }

    @Test
    void anAnswerOfTheWrongTypeIsAnErrorNotACrash() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.Ok(r.id()))) {
            Cli.Run r = cli.run("cancel", "t-3f9a");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("khlone: the zone daemon answered 'cancel' with 'ok'" + NL
                    + "  hint: restart the daemon: khlone daemon restart" + NL);
        }
    }

    @Test
    void killAndRebootTakeOneCloneBySlug() {
        for (String command : new String[] {"kill", "reboot"}) {
            Cli.Run role = cli.run(command, "mechanic");
            assertThat(role.exitCode()).isEqualTo(2);
            assertThat(role.err()).isEqualTo("khlone: " + command + " takes one clone by its slug, role.n, not 'mechanic'" + NL
                    + "  hint: e.g. khlone " + command + " mechanic.1; khlone status lists the crew" + NL);
            Cli.Run bad = cli.run(command, "Mechanic.1");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).startsWith("khlone: " + command + " Mechanic.1: 'Mechanic.1' is not a clone: write [role][.n][@brain][++]");
            Cli.Run missing = cli.run(command);
            assertThat(missing.exitCode()).isEqualTo(2);
            assertThat(missing.err()).isEqualTo("khlone: " + command + " needs a clone: khlone " + command + " CLONE" + NL
                    + "  hint: e.g. khlone " + command + " mechanic.1; khlone status lists the crew" + NL);
        }
        Cli.Run cancel = cli.raw("cancel");
        assertThat(cancel.exitCode()).isEqualTo(2);
        assertThat(cancel.err()).startsWith("khlone: missing required parameter: 'TASK'" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void everyCommandThatNamesOneCloneTakesItAsCloneOrAsWho() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> r instanceof Request.Kill || r instanceof Request.Reboot
                ? new Reply.Ok(r.id()) : new Reply.Error(r.id(), "unknown-clone", "no clone is that", "the crew: foreman.1"))) {
            assertThat(cli.run("kill", "--who", "mechanic.2").out()).startsWith("killed mechanic.2:");
            assertThat(cli.run("reboot", "foreman.1", "--who", "foreman.1").out()).as("both, the same")
                    .startsWith("rebooted foreman.1:");
            assertThat(cli.run("status", "mechanic").exitCode()).isEqualTo(1);
            assertThat(cli.run("watch", "mechanic.1").exitCode()).isEqualTo(1);
            assertThat(daemon.received()).extracting(CrewCommandsTest::clone).containsExactly("kill mechanic.2", "reboot foreman.1", "status mechanic", "watch mechanic.1");

            for (String command : new String[] {"kill", "reboot", "talk", "watch", "status", "log"}) {
                Cli.Run two = cli.run(command, "mechanic.1", "--who", "mechanic.2");
                assertThat(two.exitCode()).as(command).isEqualTo(2);
                assertThat(two.err()).isEqualTo("khlone: " + command + " was given two clones: mechanic.1 and --who mechanic.2" + NL
                        + "  hint: name one: khlone " + command + " mechanic.1, or khlone " + command + " --who mechanic.2" + NL);
            }
            assertThat(daemon.received()).as("nothing more was asked").hasSize(4);
        }
    }

    /** The request's type and the clone it names. */
    private static String clone(Request r) {
        String clone = r instanceof Request.Kill k ? k.slug() : r instanceof Request.Reboot b ? b.slug()
                : r instanceof Request.Status t ? t.who() : r instanceof Request.Watch w ? w.who() : "?";
        return r.type() + " " + clone;
    }
}
