package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code khlone wait} on the installed layout, with the scripted fake brain behind the daemon. */
class WaitIT {
    KhloneHarness khlone;
    Path zone;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        zone = FakeBrainService.zone(khlone, "wait");
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    private String task(KhloneHarness.Result accepted) {
        assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
        return accepted.out().replaceAll("(?s).*(t-[0-9a-f]+).*", "$1");
    }

    @Test
    void waitAllReturnsWhenEveryTaskHasEndedAndExits1IfOneFailed() {
        String slow = task(khlone.run(zone, "act", "sleep 1 slow"));
        String failing = task(khlone.run(zone, "act", "error on purpose"));
        KhloneHarness.Result all = khlone.run(zone, "wait", "--all");
        assertThat(all.exitCode()).as(all.toString()).isEqualTo(1);
        assertThat(all.out()).contains(slow + " done (foreman.1)").contains(failing + " failed (foreman.1)");
        assertThat(khlone.run(zone, "wait", slow).exitCode()).as("an ended task is waited for at once").isZero();
        assertThat(khlone.run(zone, "wait", "--all").out()).isEqualTo("nothing to wait for: no task is queued or running\n");
    }
}
