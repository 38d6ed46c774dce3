package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a daemon leaves on its own: {@code KHLONE_IDLE_EXIT} (nothing to do, nobody connected; the
 * next command brings it back), its state directory deleted, its zone's root gone.
 */
class DepartureIT {
    KhloneHarness khlone;
    Path zone;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        zone = FakeBrainService.zone(khlone, "idle");
        khlone.env().put("KHLONE_IDLE_EXIT", "2s");
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    private long daemon() {
        return khlone.daemonPid(khlone.zone(zone)).orElseThrow();
    }

    @Test
    void anIdleDaemonLeavesOnlyOnceItsWorkIsDoneAndComesBackWithItsCrew() {
        assertThat(khlone.run(zone, "act", "sleep 5 working").exitCode()).isZero();
        long first = daemon();
        assertThat(Await.within(Duration.ofSeconds(4), () -> !KhloneHarness.running(first)))
                .as("the daemon stays while a task runs").isFalse();
        assertThat(KhloneHarness.awaitExit(first, Duration.ofSeconds(20))).as("it leaves once the task is done and 2 s pass")
                .isTrue();
        KhloneHarness.Result back = khlone.run(zone, "status");
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(back.out()).contains("foreman.1").doesNotContain("pid " + first + ",");
        assertThat(khlone.locations().daemonLog(khlone.zone(zone))).content().contains("KHLONE_IDLE_EXIT");
    }

    @Test
    void aConnectedWatcherKeepsItAndAWrongValueIsSaidBeforeAnyDaemonStarts() throws Exception {
        khlone.env().put("KHLONE_IDLE_EXIT", "soon");
        KhloneHarness.Result wrong = khlone.run(zone, "status");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("KHLONE_IDLE_EXIT=soon is not a duration");
        assertThat(khlone.daemonPid(khlone.zone(zone))).isEmpty();

        khlone.env().put("KHLONE_IDLE_EXIT", "2s");
        assertThat(khlone.run(zone, "act", "--await", "enrol the hero").exitCode()).isZero();
        long pid = daemon();
        Process watch = khlone.command(zone, "watch").start();
        try {
            assertThat(Await.within(Duration.ofSeconds(6), () -> !KhloneHarness.running(pid)))
                    .as("a connected watcher keeps the daemon").isFalse();
        } finally {
            watch.destroy();
        }
        assertThat(KhloneHarness.awaitExit(pid, Duration.ofSeconds(20))).as("gone once the watcher left").isTrue();
    }

    @Test
    void aDaemonWhoseStateDirectoryIsDeletedLeavesAtOnceEvenWithWorkAndItsSocketGoesWithIt() throws Exception {
        khlone.env().remove("KHLONE_IDLE_EXIT");
        assertThat(khlone.run(zone, "act", "sleep 60 working").exitCode()).isZero();
        long pid = daemon();
        java.nio.file.Path socket = khlone.locations().socket(khlone.zone(zone));
        assertThat(socket).exists();
        KhloneHarness.run(new ProcessBuilder("rm", "-rf", khlone.locations().zoneDir(khlone.zone(zone)).toString()));
        assertThat(KhloneHarness.awaitExit(pid, Duration.ofSeconds(20))).as("it leaves: nothing it records would be kept")
                .isTrue();
        assertThat(socket).doesNotExist();
        KhloneHarness.Result fresh = khlone.run(zone, "status");
        assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
        assertThat(fresh.out()).doesNotContain("pid " + pid + ",");
    }

    @Test
    void aDaemonWhoseRootIsGoneLeavesOnceIdleAndNotBefore() throws Exception {
        khlone.env().remove("KHLONE_IDLE_EXIT");
        Path root = khlone.newDirectory("doomed");
        java.nio.file.Files.copy(zone.resolve("khlone.yml"), root.resolve("khlone.yml"));
        assertThat(khlone.run(root, "act", "sleep 8 working").exitCode()).isZero();
        long pid = khlone.daemonPid(khlone.zone(root)).orElseThrow();
        KhloneHarness.run(new ProcessBuilder("rm", "-rf", root.toString()));
        assertThat(Await.within(Duration.ofSeconds(5), () -> !KhloneHarness.running(pid)))
                .as("it stays while its task runs").isFalse();
        assertThat(KhloneHarness.awaitExit(pid, Duration.ofSeconds(30))).as("and leaves once nothing runs").isTrue();
    }
}
