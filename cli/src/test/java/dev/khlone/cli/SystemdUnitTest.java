package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.zone.Zone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {
    @TempDir
    Path tmp;

    private static final Map<String, String> ENV = Map.of("PATH", "/opt/node/bin:/usr/bin", "KHLONE_HOME", "/home/u/state",
            "ANTHROPIC_API_KEY", "sk-secret", "HTTPS_PROXY", "http://user:pw@proxy:3128", "KHLONE_CLAUDE_BIN", "/opt/claude",
            "HOME", "/home/u");

    private SystemdUnit unit(Path root, Path launcher) {
        return SystemdUnit.of(new Zone(root, "my-app-1a2b3c4d"), launcher, Path.of("/home/u/state/zones/my-app-1a2b3c4d/daemon.log"), ENV);
    }

    @Test
    void theUnitRunsTheInstalledKhlonesDaemonForTheZoneRestartsItOnFailureAndKeepsNoSecret() {
        String text = unit(Path.of("/src/my app"), Path.of("/home/u/.local/share/khlone/bin/khlone")).text();
        assertThat(SystemdUnit.name(new Zone(Path.of("/src/my app"), "my-app-1a2b3c4d"))).isEqualTo("khlone-zone-my-app-1a2b3c4d.service");
        assertThat(text).contains("ExecStart=\"/bin/bash\" \"-c\" \"mapfile -d '' -t daemon < <(\\\"$$0\\\" daemon run --print0"
                        + " --zone \\\"$$1\\\") && [ $${#daemon[@]} -gt 0 ] && exec \\\"$${daemon[@]}\\\"; exit 1\""
                        + " \"/home/u/.local/share/khlone/bin/khlone\" \"/src/my app\"\n")
                .contains("Restart=on-failure\n").contains("SuccessExitStatus=143\n").contains("WorkingDirectory=/src/my app\n")
                .contains("Environment=\"PATH=/opt/node/bin:/usr/bin\"\n").contains("Environment=\"KHLONE_HOME=/home/u/state\"\n")
                .contains("Environment=\"KHLONE_CLAUDE_BIN=/opt/claude\"\n")
                .contains("StandardError=append:/home/u/state/zones/my-app-1a2b3c4d/daemon.log\n")
                .contains("WantedBy=default.target\n")
                .doesNotContain("sk-secret").doesNotContain("pw@proxy").doesNotContain("HOME=/home/u\"");
    }

    @Test
    void specifiersQuotesAndDollarsInAPathStayLiteral() {
        String text = unit(Path.of("/src/100% \"$HOME\""), Path.of("/bin/khlone")).text();
        assertThat(text).contains(" \"/src/100%% \\\"$$HOME\\\"\"\n").contains("WorkingDirectory=/src/100%% \"$HOME\"\n");
    }

    @Test
    void theUnitDirectoryFollowsXdgConfigHome() {
        assertThat(SystemdUnit.directory(Map.of("HOME", "/home/u"))).isEqualTo(Path.of("/home/u/.config/systemd/user"));
        assertThat(SystemdUnit.directory(Map.of("HOME", "/home/u", "XDG_CONFIG_HOME", "/cfg"))).isEqualTo(Path.of("/cfg/systemd/user"));
    }

    /** systemd's own check of the unit: runs wherever systemd-analyze is installed (Debian: the systemd package). */
    @Test
    void systemdAnalyzeVerifyAcceptsTheUnit() throws Exception {
        Optional<Path> analyze = new Environment(System.getenv()).which("systemd-analyze");
        assumeTrue(analyze.isPresent(), "skipped: systemd-analyze is not installed (apt-get install systemd)");
        Path root = Files.createDirectories(tmp.resolve("zone 100% $x"));
        Path launcher = tmp.resolve("khlone");
        Files.writeString(launcher, "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Path units = Files.createDirectories(tmp.resolve("units"));
        SystemdUnit unit = unit(root, launcher);
        Path file = units.resolve(unit.name());
        Files.writeString(file, unit.text());
        // --user needs a runtime dir, which a container or a CI job may not have: a private one does.
        Path runtime = Files.createDirectory(tmp.resolve("runtime"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        ProcessBuilder pb = new ProcessBuilder(analyze.get().toString(), "verify", "--user", file.toString())
                .redirectErrorStream(true);
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(said).isEmpty();

        Files.writeString(file, unit.text().replace("Restart=on-failure", "Restart=sometimes"));
        Process bad = pb.start();
        String badSaid = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        bad.waitFor();
        assertThat(badSaid).as("the check is real: a wrong value is named").contains("restart specifier");
    }
}
