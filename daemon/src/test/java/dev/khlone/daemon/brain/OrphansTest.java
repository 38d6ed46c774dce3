package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphansTest {
    @TempDir
    Path dir;
    private Process brain;

    @AfterEach
    void endTheBrain() {
        if (brain != null) {
            brain.destroyForcibly();
        }
    }

    @Test
    void aBrainLeftRunningIsAskedToLeaveFirstSoWhatItWritesOnLeavingIsWritten() throws Exception {
        Path saved = dir.resolve("saved");
        long pid = leftRunning("trap 'echo saved > " + saved + "; exit 0' TERM");

        Orphans.end(pid, Orphans.startMs(pid));

        assertThat(Processes.running(pid)).isFalse();
        assertThat(saved).hasContent("saved");
    }

    @Test
    void aBrainThatStaysOnSigtermIsKilledAfterItsGrace() throws Exception {
        long pid = leftRunning("trap '' TERM");
        long started = System.nanoTime();

        Orphans.end(pid, Orphans.startMs(pid));

        assertThat(Processes.running(pid)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Orphans.GRACE);
    }

    @Test
    void aPidThatNowBelongsToAnotherProcessIsLeftAlone() throws Exception {
        long pid = leftRunning("true");

        Orphans.end(pid, Orphans.startMs(pid) - 1000);

        assertThat(Processes.running(pid)).isTrue();
    }

    /** A process group of its own, as a brain runs in, that says it is ready once its trap is set. */
    private long leftRunning(String trap) throws Exception {
        Path ready = dir.resolve("ready");
        brain = new ProcessBuilder("setsid", "bash", "-c", trap + "; touch " + ready + "; while :; do sleep 0.05; done")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ready).exists();
        return brain.pid();
    }
}
