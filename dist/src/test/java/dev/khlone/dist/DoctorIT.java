package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code khlone doctor} with the three real brains: what is right, and each problem with what to do. */
class DoctorIT {
    BrainZone zone;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone("claude");
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    @Test
    void everyBrainIsFoundAtItsTestedVersionAndEveryProblemComesWithAHint() throws Exception {
        Path home = zone.khlone.locations().home();
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------")); // as khlone makes it
        KhloneHarness.Result healthy = zone.run("doctor");
        assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
        assertThat(healthy.out()).contains("zone     " + zone.khlone.zone(zone.dir).id())
                .containsPattern("✓ KHLONE_HOME .* \\(rwx------\\)")
                .containsPattern("✓ claude +\\S+ +2\\.1\\.328 \\(Claude Code\\) \\(the tested version\\)")
                .containsPattern("✓ codex +\\S+ +codex-cli 0\\.169\\.0 \\(the tested version\\)")
                .containsPattern("✓ opencode +\\S+ +1\\.18\\.33 \\(the tested version\\)")
                .contains("brains get PATH=").contains("no problems found");

        // An act from a shell without KHLONE_OPENCODE_BIN (and no opencode on its PATH) hands that on.
        zone.model.enqueue(Reply.text("ok"));
        ProcessBuilder act = zone.khlone.command(zone.dir, "act", "--await", "hello");
        act.environment().remove(BrainZone.binaryVariable("opencode"));
        assertThat(KhloneHarness.run(act).exitCode()).isZero();
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));

        KhloneHarness.Result sick = zone.run("doctor");
        assertThat(sick.exitCode()).isEqualTo(1);
        assertThat(sick.out()).contains("✗ KHLONE_HOME " + home + " is rwxr-xr-x: other users can reach it",
                        "hint: chmod 700 " + home)
                .contains("✗ opencode: opencode is not installed: no opencode on the PATH")
                .contains("hint: install it with `npm install -g opencode-ai@1.18.33`")
                .containsPattern("✓ claude +\\S+ +2\\.1\\.328").contains("2 problems: see the hints above");
    }
}
