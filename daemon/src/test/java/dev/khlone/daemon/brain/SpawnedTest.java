package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.Processes;
import dev.khlone.protocol.brain.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A brain process that has ended is never taken for the process that got its pid after it (pids wrap within minutes on a busy machine). */
class SpawnedTest {
    /** Where the kernel's last given pid can be set (root only): the next process gets the one after it. */
    private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    @TempDir
    Path dir;
    private Process other;

    @AfterEach
    void endTheOther() {
        if (other != null) {
            other.destroyForcibly();
        }
    }

    @Test
    void stoppingAnEndedBrainLeavesTheProcessThatGotItsPidAlone() throws Exception {
        // It lives a while: a process is told from a later one by its start time, which the kernel keeps in 10 ms ticks.
        Spawned brain = Spawned.pipes("brain", new LaunchSpec(List.of("sleep", "0.1"), Map.of("PATH", System.getenv("PATH")), dir, true),
                "zone/brain.1", (bytes, length) -> {});
        brain.awaitExit();
        other = startWithPid(brain.pid);

        brain.stop(Duration.ofMillis(200), false);

        assertThat(Processes.running(other.pid())).as("the process that got the ended brain's pid").isTrue();
        assertThat(brain.startMs()).as("an ended brain's start time").isZero();
    }

    /** A long sleep given {@code pid}: the kernel's next pid is set to it until the sleep gets it (another process may come first). */
    private Process startWithPid(long pid) throws IOException, InterruptedException {
        // Fails, not skips, without root, as the tests that play another user or fill a disk do (README).
        assertThat(Files.isWritable(LAST_PID)).as("%s is writable: setting the next pid takes root (scripts/test runs as root)",
                LAST_PID).isTrue();
        for (int attempt = 0; attempt < 50; attempt++) {
            Files.writeString(LAST_PID, Long.toString(pid - 1));
            Process p = new ProcessBuilder("sleep", "60").start();
            if (p.pid() == pid) {
                return p;
            }
            p.destroyForcibly().waitFor();
        }
        throw new AssertionError("no process got pid " + pid + " in 50 tries");
    }
}
