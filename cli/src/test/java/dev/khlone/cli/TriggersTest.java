package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TriggerInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone triggers} and {@code khlone triggers run NAME}. */
class TriggersTest {
    private static final String NL = System.lineSeparator();
    private static final long NOW = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp).now(NOW);
    }

    static final List<TriggerInfo> TRIGGERS = List.of(
            new TriggerInfo("standup", "cron", "0 9 * * 1-5", NOW + 82_800_000, NOW - 3_600_000, "t-3f9a", "done", 2, null),
            new TriggerInfo("docs", "watch", "docs/** (debounce 5s)", 0, 0, null, null, 0, null),
            new TriggerInfo("broken", null, null, 0, 0, null, null, 0, "khlone.yml: triggers.broken.cron: '0 9' must have five fields"));

    @Test
    void oneRowPerTriggerAndTheBadOnesError() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TriggerList(r.id(), TRIGGERS))) {
            Cli.Run r = cli.run("triggers");
            assertThat(r.exitCode()).as(r.err()).isZero();
            String out = r.out();
            assertThat(out.lines().toList().get(0)).matches("TRIGGER +KIND +NEXT +LAST +TASK +STATUS +SKIPPED +WHEN");
            assertThat(out).contains("standup", "cron", "t-3f9a", "done", "0 9 * * 1-5", "docs/** (debounce 5s)")
                    .contains("broken", "invalid")
                    .contains("error: khlone.yml: triggers.broken.cron: '0 9' must have five fields" + NL);
            assertThat(out.lines().filter(l -> l.startsWith("standup")).findFirst().orElseThrow()).contains("  2  ");
        }
    }

    @Test
    void jsonHasEveryField() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.TriggerList(r.id(), TRIGGERS))) {
            String out = cli.run("triggers", "--json").out();
            assertThat(out).contains("\"name\" : \"standup\"", "\"kind\" : \"cron\"", "\"nextMs\" : " + (NOW + 82_800_000),
                    "\"lastTask\" : \"t-3f9a\"", "\"lastStatus\" : \"done\"", "\"skipped\" : 2", "\"error\" : null",
                    "\"error\" : \"khlone.yml: triggers.broken.cron: '0 9' must have five fields\"");
        }
    }

    @Test
    void runFiresOneByName() throws Exception {
        TaskInfo task = TaskInfo.queued("t-0a43", "foreman.1", TaskMode.ACT, "tidy", NOW).triggeredBy("standup");
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.Accepted(r.id(), task))) {
            Cli.Run r = cli.run("triggers", "run", "standup");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("✓ t-0a43 → foreman.1  (trigger standup)" + NL);
            assertThat(daemon.received()).containsExactly(new Request.TriggerRun(daemon.received().get(0).id(), "standup"));
        }
    }

    @Test
    void tasksAndStatusSayWhichTriggerStartedATask() throws Exception {
        TaskInfo task = TaskInfo.queued("t-0a43", "foreman.1", TaskMode.ACT, "tidy", NOW - 5_000).triggeredBy("standup");
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> r instanceof Request.Tasks
                ? new Reply.TaskList(r.id(), List.of(task)) : new Reply.TaskReport(r.id(), task))) {
            assertThat(cli.run("tasks").out()).contains("[standup] tidy");
            assertThat(cli.run("status", "--task", "t-0a43").out()).contains("trigger", "standup (khlone.yml)");
        }
    }
}
