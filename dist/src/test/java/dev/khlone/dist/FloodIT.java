package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A watcher that stops reading while a brain writes 50 MB: the brain and the other watcher keep
 * their pace, and the daemon's memory stays bounded. The brain is the scripted fake, loaded into
 * the installed daemon as a plugin, because no real brain can be made to write 50 MB on cue.
 */
class FloodIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String FIFTY_MB = "flood 50000000";

    KhloneHarness khlone;
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        dir = FakeBrainService.zone(khlone, "flood");
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    @Test
    void aStoppedWatcherSlowsNeitherTheBrainNorTheOtherWatcherAndTheDaemonStaysBounded() throws Exception {
        assertThat(ok("act", "--await", "hello").out()).isEqualTo("echo: hello\n");
        Path seen = khlone.root().resolve("watcher.out");
        Process reading = khlone.command(dir, "watch", "--events").redirectOutput(seen.toFile()).start();
        Process stopped = khlone.command(dir, "watch").start();
        try {
            awaitContent(seen, "echo: hello", 1);
            InputStream stalled = stopped.getInputStream();
            byte[] first = new byte[64];
            assertThat(stalled.read(first)).as("the second watcher is attached").isPositive();

            long alone = timed(FIFTY_MB);
            awaitContent(seen, "flooded", 1);

            new ProcessBuilder("kill", "-STOP", Long.toString(stopped.pid())).start().waitFor();
            long start = System.nanoTime();
            long withStopped = timed(FIFTY_MB);
            awaitContent(seen, "flooded", 2);
            long watcherDone = (System.nanoTime() - start) / 1_000_000;

            assertThat((double) withStopped / alone).as("the brain's pace with a stopped watcher, as a ratio")
                    .isLessThan(3.0);
            assertThat(watcherDone).as("the reading watcher saw the second flood end").isLessThan(3 * alone + withStopped + 10_000);
            long daemon = khlone.daemonPid(khlone.zone(dir)).orElseThrow();
            assertThat(rssMb(daemon)).as("the daemon's resident memory, MB").isLessThan(700);
            System.out.printf("flood 50 MB: %d ms alone, %d ms with a stopped watcher (ratio %.2f); reading watcher done after %d ms; daemon RSS %d MB%n",
                    alone, withStopped, (double) withStopped / alone, watcherDone, rssMb(daemon));
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(stopped.pid())).start().waitFor();
            stopped.destroy();
            reading.destroy();
        }
    }

    @Test
    void aRawWatcherStoppedThroughAFloodSeesTheTurnsLastLineOnceItRunsOn() throws Exception {
        assertThat(ok("act", "--await", "hello").out()).isEqualTo("echo: hello\n");
        Path seen = khlone.root().resolve("raw.out");
        Process raw = khlone.command(dir, "watch", "--raw").redirectOutput(seen.toFile()).start();
        try {
            Await.until(WAIT, "the raw watcher to show a turn", () -> {
                ok("act", "--await", "attached?");
                return count(seen, "\"result\":\"echo: attached?\"") > 0;
            });
            new ProcessBuilder("kill", "-STOP", Long.toString(raw.pid())).start().waitFor();
            timed(FIFTY_MB);
            new ProcessBuilder("kill", "-CONT", Long.toString(raw.pid())).start().waitFor();

            awaitContent(seen, "{\"type\":\"done\",\"result\":\"flooded 48828 events\"", 1);
            assertThat(count(seen, "· skipped ")).as("it was told it missed some").isPositive();
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(raw.pid())).start().waitFor();
            raw.destroy();
        }
    }

    private Result ok(String... args) {
        Result r = khlone.run(dir, args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private long timed(String prompt) {
        long t = System.nanoTime();
        assertThat(ok("act", "--await", prompt).out()).startsWith("flooded");
        return (System.nanoTime() - t) / 1_000_000;
    }

    private static void awaitContent(Path file, String text, int times) {
        Await.until(WAIT, file + " to show \"" + text + "\" " + times + " times", () -> count(file, text) >= times);
    }

    private static int count(Path file, String text) throws Exception {
        if (!Files.exists(file)) {
            return 0;
        }
        String content = Files.readString(file);
        int n = 0;
        for (int i = content.indexOf(text); i >= 0; i = content.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    private static long rssMb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }
}
