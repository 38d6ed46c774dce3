package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.SmallDisk;
import dev.khlone.testkit.brains.ClaudeHome;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The zone's state after real runs: owner-only, free of secrets, and a full disk said clearly with nothing lost. */
class StateIT {
    BrainZone zone;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone("claude");
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    private Path home() {
        return zone.khlone.locations().home();
    }

    @Test
    void everythingKhloneWritesIsOwnerOnlyHoldsNoKeyAndWhatAnOlderOneLeftOpenIsTightened() throws Exception {
        zone.model.enqueue(Reply.text("done"));
        zone.ok("act", "--await", "hello");
        zone.ok("status");
        Path zoneDir = zone.khlone.locations().zoneDir(zone.khlone.zone(zone.dir));
        assertThat(loose(home())).as("files and directories others could read").isEmpty();
        assertThat(Files.list(zoneDir).map(p -> p.getFileName().toString()))
                .contains("zone.json", "tasks.jsonl", "transcripts", "daemon.log", "daemon.lock", "start.lock");
        assertThat(holding(home(), ClaudeHome.TOKEN)).as("files that hold the brain's key").isEmpty();

        zone.ok("daemon", "stop");
        Files.setPosixFilePermissions(zoneDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(zoneDir.resolve("zone.json"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(zoneDir.resolve("transcripts/foreman.1.jsonl"), PosixFilePermissions.fromString("rw-rw-rw-"));
        zone.ok("status");
        assertThat(loose(home())).isEmpty();
    }

    @Test
    void aTranscriptPastItsCapIsRotatedOwnerOnlyAndLogReadsEveryPartInOrder() throws Exception {
        zone.khlone.env().put("KHLONE_TRANSCRIPT_MAX", "1K");
        String[] ids = new String[4];
        for (int i = 0; i < ids.length; i++) {
            zone.model.enqueue(Reply.text("answer " + i));
            Result done = zone.ok("act", "--await", "task " + i + " " + "x".repeat(400));
            ids[i] = done.err().replaceAll("(?s).*(t-[0-9a-f]+).*", "$1");
        }
        Path transcripts = zone.khlone.locations().transcripts(zone.khlone.zone(zone.dir));
        assertThat(transcripts.resolve("foreman.1.1.jsonl")).exists();
        assertThat(loose(home())).isEmpty();

        Result first = zone.ok("log", "--task", ids[0]);
        assertThat(first.out()).contains("› task 0").contains("✓ answer 0").doesNotContain("task 1");
        String all = zone.ok("log").out();
        assertThat(all).containsSubsequence("› task 0", "✓ answer 0", "› task 1", "✓ answer 1", "› task 2",
                "✓ answer 2", "› task 3", "✓ answer 3");
    }

    @Test
    void aFullDiskFailsTheAwaitingClientAtOnceRefusesNewWorkAndTheEndIsKeptAndNeverRunAgain() throws Exception {
        SmallDisk disk = SmallDisk.mount(home(), "1m");
        try {
            String prompt = "survive a full disk " + "x".repeat(5000); // bigger than the page the journal's last record left free
            zone.model.enqueue(BrainZone.slow("the answer", Duration.ofSeconds(6)));
            Process awaiting = zone.khlone.command(zone.dir, "act", "--await", prompt).start();
            zone.model.awaitTurns(1, BrainZone.WAIT);
            Path filler = disk.fill();

            assertThat(awaiting.waitFor(BrainZone.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the client is told at once").isTrue();
            String err = new String(awaiting.getErrorStream().readAllBytes());
            assertThat(awaiting.exitValue()).as(err).isEqualTo(1);
            assertThat(err).contains("khlone: the zone's state could not be saved: no space left on device\n")
                    .contains("hint: free space on the disk of KHLONE_HOME (" + home() + ")");
            String id = err.substring(2, err.indexOf(' ', 2));

            Result refused = zone.run("act", "more work");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("the zone's state could not be saved").contains("new tasks are refused until the records kept meanwhile are written");

            Files.delete(filler);
            Path journal = zone.khlone.locations().taskJournal(zone.khlone.zone(zone.dir));
            Await.until(BrainZone.WAIT, "the task's end to be journaled once there is space",
                    () -> Files.readString(journal).contains("\"status\":\"done\""));
            zone.ok("daemon", "restart");
            assertThat(zone.task(id).get("status")).isEqualTo("done");
            zone.model.enqueue(Reply.text("next"));
            zone.ok("act", "--await", "next");
            assertThat(zone.model.turns().stream().map(RecordedRequest::prompt).toList())
                    .as("the task that ended did not run again").containsExactly(prompt, "next");
        } finally {
            zone.run("daemon", "stop");
            disk.close();
        }
    }

    /** Paths under {@code dir} with any access for group or others. */
    private static List<String> loose(Path dir) throws IOException {
        // The daemon runs on: a file it renames away during the walk (zone.json.tmp) is looked at again.
        return Await.value(Duration.ofSeconds(5), "a walk of " + dir + " that no rename cut short",
                () -> Optional.of(looseOnce(dir)));
    }

    private static List<String> looseOnce(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).filter(p -> {
                try {
                    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).stream()
                            .anyMatch(m -> !m.name().startsWith("OWNER_"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(p -> p + " " + mode(p)).toList();
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> holding(Path dir, String secret) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p)).contains(secret);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
