package dev.khlone.dist.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The storms of {@code scripts/stress}: "a task survives everything short of the disk, and only its
 * user gets in". Each storm is a test that fails when it lost, ran twice or doubled anything, when a
 * well-behaved client failed, or when it could not run here; the table of all of them is printed
 * and written to {@code target/storm-report.txt} either way. {@code -Dkhlone.storm=full} runs the
 * issue's sizes.
 */
class StormIT {
    private static final Size SIZE = Size.fromProperty();
    private static final List<Counts> COUNTS = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> storms() {
        return Stream.of(new BrainKillStorm(), new DaemonKillStorm(), new MalformedFrameStorm(),
                new ConcurrentSubmitStorm(), new TornJournalStorm(), new FullDiskStorm(), new ForeignSocketStorm())
                // -Dkhlone.storms=NAME runs only the storms whose name holds NAME (e.g. "torn"), as one looks into one
                .filter(storm -> storm.name().contains(System.getProperty("khlone.storms", "")))
                .map(storm -> DynamicTest.dynamicTest(storm.name(), () -> {
                    long start = System.nanoTime();
                    Counts counts;
                    try {
                        counts = storm.run(SIZE);
                    } catch (Exception | AssertionError e) {
                        synchronized (COUNTS) {
                            COUNTS.add(Counts.notRun(storm.name(), "the storm itself broke: " + e));
                        }
                        throw e;
                    }
                    synchronized (COUNTS) {
                        COUNTS.add(counts);
                    }
                    System.out.printf("storm %s: %d s%n", storm.name(), (System.nanoTime() - start) / 1_000_000_000);
                    assertThat(counts.passed()).as(Report.table(SIZE, List.of(counts))).isTrue();
                }));
    }

    @AfterAll
    static void report() throws IOException {
        String table = Report.table(SIZE, COUNTS);
        System.out.println(table);
        Files.writeString(Path.of("target", "storm-report.txt"), table);
    }
}
