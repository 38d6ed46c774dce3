package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.wire.BrainReport;
import dev.khlone.protocol.wire.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone doctor}'s judgement of what the daemon reports: problems count, an untested version is only a note. */
class DoctorTest {
    @TempDir
    Path tmp;

    @Test
    void anUntestedVersionIsANoteAMissingBrainAProblemAndKeysAreNeverShown() throws Exception {
        Cli cli = new Cli(tmp);
        java.nio.file.Files.setPosixFilePermissions(cli.home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Reply.DoctorReport report = new Reply.DoctorReport("x", List.of(
                new BrainReport("claude", "/opt/claude", "2.2.0 (Claude Code)", "2.1.328", null, null),
                new BrainReport("codex", null, null, "0.169.0", "codex (Codex CLI) is not installed", "npm install -g @openai/codex@0.169.0")),
                Map.of("PATH", "/opt:/usr/bin", "ANTHROPIC_API_KEY", "sk-secret-123", "CODEX_HOME", "/home/me/.codex"));
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> new Reply.DoctorReport(r.id(), report.brains(), report.env()))) {
            Cli.Run r = cli.run("doctor");
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(r.out()).contains("! claude  /opt/claude  2.2.0 (Claude Code) (tested on 2.1.328): it may work")
                    .contains("✗ codex: codex (Codex CLI) is not installed", "hint: npm install -g @openai/codex@0.169.0")
                    .contains("brains get PATH=/opt:/usr/bin", "brains get ANTHROPIC_API_KEY (set, 13 characters)",
                            "brains get CODEX_HOME=/home/me/.codex")
                    .doesNotContain("sk-secret").contains("1 problem: see the hints above");
        }
    }

    @Test
    void aDaemonThatCannotBeAskedIsAProblemWithAHintAndTheLocalChecksStillRun() throws Exception {
        Cli cli = new Cli(tmp);
        java.nio.file.Files.setPosixFilePermissions(cli.home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (FakeDaemon daemon = FakeDaemon.serving(cli, r -> null)) { // hangs up on the doctor request
            Cli.Run r = cli.run("doctor");
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(r.out()).contains("✓ KHLONE_HOME").contains("✓ socket ")
                    .containsPattern("✗ the daemon: .*closed the connection")
                    .contains("hint: ").contains("1 problem: see the hints above")
                    .doesNotContain("brains get").doesNotContain("Exception");
            assertThat(r.err()).isEmpty();
        }
    }
}
