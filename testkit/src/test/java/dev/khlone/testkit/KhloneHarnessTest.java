package dev.khlone.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KhloneHarnessTest {
    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() {
        System.clearProperty("khlone.dist");
        System.clearProperty("khlone.launcher");
    }

    private KhloneHarness harnessRunning(String script) throws Exception {
        Path launcher = tmp.resolve("khlone");
        Files.writeString(launcher, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        System.setProperty("khlone.dist", tmp.toString());
        System.setProperty("khlone.launcher", launcher.toString());
        return new KhloneHarness();
    }

    @Test
    void aCommandKilledByASignalSaysWhichAndShowsTheEndOfEachDaemonLog() throws Exception {
        try (KhloneHarness khlone = harnessRunning("echo started >&2; kill -9 $$")) {
            Path zone = Files.createDirectories(khlone.locations().zones().resolve("zone-1"));
            Files.writeString(zone.resolve("daemon.log"), "INFO: an early line\nINFO: ending what brain x left running: [42]\n");
            Result r = khlone.run(khlone.newDirectory("app"), "act", "later");
            assertThat(r.exitCode()).isEqualTo(137);
            assertThat(r.err()).startsWith("started\n(killed by signal 9)\n--- the end of ")
                    .endsWith("daemon.log\nINFO: an early line\nINFO: ending what brain x left running: [42]\n");
        }
    }

    @Test
    void aCommandThatExitsIsReportedAsItIs() throws Exception {
        try (KhloneHarness khlone = harnessRunning("echo out; echo err >&2; exit 3")) {
            Result r = khlone.run(khlone.newDirectory("app"), "status");
            assertThat(r).isEqualTo(new Result(3, "out\n", "err\n"));
        }
    }
}
