package dev.khlone.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.TaskInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path tmp;

    private Store open() throws Exception {
        return Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"));
    }

    @Test
    void theLatestRecordOfEachTaskAndTheCrewFileSurviveAReopen() throws Exception {
        TaskInfo queued = TaskInfo.queued("t-1", "foreman.1", TaskMode.ACT, "do it", 1000);
        CloneRecord clone = new CloneRecord("foreman.1", "foreman", 1, "claude", "opus", "uuid-1", true, "t-1",
                List.of("t-2"), null, 4242, 1_700_000_000_000L, 1_700_000_100_000L);
        try (Store store = open()) {
            store.journal(queued, "opus");
            store.journal(queued.started(2000), "opus");
            store.saveCrew("foreman.1", Map.of("foreman", 1), List.of(clone));
        }
        try (Store store = open()) {
            Store.Loaded loaded = store.load();
            assertThat(loaded.tasks()).containsExactly(Map.entry("t-1", queued.started(2000)));
            assertThat(loaded.clones()).containsExactly(clone);
            assertThat(loaded.hero()).isEqualTo("foreman.1");
            assertThat(loaded.indexes()).containsExactly(Map.entry("foreman", 1));
        }
    }

    private static TaskInfo queued(String id) {
        return TaskInfo.queued(id, "foreman.1", TaskMode.ASK, "q " + id, 1);
    }

    private List<String> journalLines() throws Exception {
        return Files.readAllLines(tmp.resolve("tasks.jsonl"));
    }

    @Test
    void aTornLastRecordIsCutOffSoTheNextOneStartsOnItsOwnLine() throws Exception {
        try (Store store = open()) {
            store.journal(queued("t-1"), "claude");
        }
        String whole = Files.readString(tmp.resolve("tasks.jsonl"));
        Files.writeString(tmp.resolve("tasks.jsonl"), "{\"id\":\"t-2\",\"clo", StandardOpenOption.APPEND);
        try (Store store = open()) {
            assertThat(store.load().tasks()).containsOnlyKeys("t-1");
            assertThat(Files.readString(tmp.resolve("tasks.jsonl"))).as("cut to the last complete record").isEqualTo(whole);
            store.journal(queued("t-3"), "claude");
        }
        // Torn again, and appended to without a load first: still cut off before the append.
        Files.writeString(tmp.resolve("tasks.jsonl"), "{\"id\":\"t-4\"", StandardOpenOption.APPEND);
        try (Store store = open()) {
            store.journal(queued("t-5"), "claude");
        }
        try (Store store = open()) {
            assertThat(store.load().tasks()).containsOnlyKeys("t-1", "t-3", "t-5");
        }
        assertThat(journalLines()).hasSize(3);
    }

    @Test
    void aDamagedRecordIsSetAsideBesideTheJournalAndTheRestLoads() throws Exception {
        try (Store store = open()) {
            store.journal(queued("t-1"), "claude");
        }
        Files.writeString(tmp.resolve("tasks.jsonl"), "{\"id\":\"t-x\"}\n", StandardOpenOption.APPEND);
        try (Store store = open()) {
            store.journal(queued("t-2"), "claude");
        }
        try (Store store = open()) {
            assertThat(store.load().tasks()).containsOnlyKeys("t-1", "t-2");
            store.journal(queued("t-3"), "claude");
        }
        assertThat(Files.readString(tmp.resolve("tasks.jsonl.damaged"))).isEqualTo("{\"id\":\"t-x\"}\n");
        assertThat(journalLines()).hasSize(3).noneMatch(l -> l.contains("t-x"));
        assertThat(mode(tmp.resolve("tasks.jsonl.damaged"))).isEqualTo("rw-------");
        assertThat(mode(tmp.resolve("tasks.jsonl"))).isEqualTo("rw-------");
    }

    @Test
    void anUnreadableCrewFileIsMovedAsideAndTheJournalStillLoads() throws Exception {
        try (Store store = open()) {
            store.journal(queued("t-1"), "opus");
        }
        Files.writeString(tmp.resolve("zone.json"), "{\"clones\":[{\"slug\":");
        try (Store store = open()) {
            Store.Loaded loaded = store.load();
            assertThat(loaded.clones()).isEmpty();
            assertThat(loaded.tasks()).containsOnlyKeys("t-1");
            assertThat(loaded.profiles()).containsExactly(Map.entry("foreman.1", "opus"));
            Path aside;
            try (var files = Files.list(tmp)) {
                aside = files.filter(f -> f.getFileName().toString().startsWith("zone.json.damaged-")).findFirst().orElseThrow();
            }
            assertThat(Files.readString(aside)).isEqualTo("{\"clones\":[{\"slug\":");
            assertThat(loaded.crewTrouble()).contains("zone.json could not be read").contains("moved to " + aside);
            assertThat(tmp.resolve("zone.json")).doesNotExist();
        }
    }

    @Test
    void aRecordTheDiskRefusesIsCutOffKeptAndWrittenInOrderOnceTheDiskTakesIt() throws Exception {
        FullDisk disk = new FullDisk();
        TaskInfo a = queued("t-1");
        try (Store store = Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"), disk)) {
            store.load();
            store.journal(a, "claude");
            disk.full = true;
            assertThatThrownBy(() -> store.journal(a.started(2), "claude"))
                    .isInstanceOf(Store.Unsaved.class).hasMessage("No space left on device");
            assertThat(journalLines()).as("the torn part is cut off").hasSize(1);
            assertThatThrownBy(() -> store.journal(a.started(2).ended(TaskInfo.Status.DONE, "42", null, 3), "claude"))
                    .isInstanceOf(Store.Unsaved.class);
            assertThatThrownBy(() -> store.journal(queued("t-2"), "claude"))
                    .as("a new task is refused, not kept").isNotInstanceOf(Store.Unsaved.class).hasMessage("No space left on device");
            assertThatThrownBy(store::retry).hasMessage("No space left on device");
            assertThat(journalLines()).hasSize(1);
            disk.full = false;
            store.retry();
            store.journal(queued("t-3"), "claude");
        }
        try (Store store = open()) {
            Map<String, TaskInfo> tasks = store.load().tasks();
            assertThat(tasks).containsOnlyKeys("t-1", "t-3");
            assertThat(tasks.get("t-1").status()).isEqualTo(TaskInfo.Status.DONE);
        }
        assertThat(journalLines()).hasSize(4);
        assertThat(journalLines().get(1)).contains("\"status\":\"active\"");
        assertThat(journalLines().get(2)).contains("\"status\":\"done\"");
    }

    @Test
    void aClonesTranscriptLineNeverWaitsForTheJournalsFsyncNorTheCrewFile() throws Exception {
        FullDisk disk = new FullDisk();
        try (Store store = Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"), disk)) {
            store.load();
            disk.slowForce = new CountDownLatch(1);
            ExecutorService ownerThreads = Executors.newFixedThreadPool(2);
            try {
                Future<?> journaling = ownerThreads.submit(() -> {
                    store.journal(queued("t-1"), "claude");
                    return null;
                });
                assertThat(disk.forcing.await(5, TimeUnit.SECONDS)).as("the journal is in its fsync").isTrue();
                // Meanwhile a brain's reader writes its clone's line, and another clone's owner saves the crew.
                CompletableFuture<Void> line = CompletableFuture.runAsync(() -> store.transcript("mechanic.1", note("meanwhile")));
                Future<?> saving = ownerThreads.submit(() -> {
                    store.saveCrew(null, Map.of(), List.of());
                    return null;
                });
                line.get(5, TimeUnit.SECONDS);
                saving.get(5, TimeUnit.SECONDS);
                assertThat(journaling).isNotDone();
                assertThat(Files.readString(tmp.resolve("transcripts/mechanic.1.jsonl"))).contains("meanwhile");
                disk.slowForce.countDown();
                journaling.get(5, TimeUnit.SECONDS);
            } finally {
                disk.slowForce.countDown();
                ownerThreads.shutdownNow();
            }
        }
    }

    @Test
    void aTornTranscriptLineNeverGluesOntoTheNextEntry() throws Exception {
        FullDisk disk = new FullDisk();
        Path transcript = tmp.resolve("transcripts/foreman.1.jsonl");
        try (Store store = Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"), disk)) {
            store.transcript("foreman.1", note("one"));
        }
        Files.writeString(transcript, "{\"timeMs\":1,\"ki", StandardOpenOption.APPEND);
        try (Store store = Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"), disk)) {
            store.transcript("foreman.1", note("two"));
            disk.full = true;
            store.transcript("foreman.1", note("lost to the full disk"));
            disk.full = false;
            store.transcript("foreman.1", note("three"));
        }
        List<String> texts = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(transcript)) {
            texts.add(TranscriptEntry.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)).text());
        }
        assertThat(texts).containsExactly("one", "two", "three");
        assertThat(mode(transcript)).isEqualTo("rw-------");
        assertThat(mode(tmp.resolve("transcripts"))).isEqualTo("rwx------");
    }

    private Store openCapped(long cap) throws Exception {
        return Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"), OwnerOnly::open,
                cap);
    }

    /** The texts of a transcript file's lines, each of which must be a whole entry. */
    private List<String> texts(String file) throws Exception {
        List<String> texts = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("transcripts").resolve(file))) {
            texts.add(TranscriptEntry.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)).text());
        }
        return texts;
    }

    @Test
    void theLinesHeardInOneChunkAreWrittenTogetherInOrderBeforeAnyLaterLineAndAtAStop() throws Exception {
        Path transcript = tmp.resolve("transcripts/foreman.1.jsonl");
        try (Store store = open()) {
            store.transcript("foreman.1", note("heard 1"), true);
            store.transcript("foreman.1", note("heard 2"), true);
            assertThat(transcript).as("one write for the chunk, once it is done").doesNotExist();
            store.transcriptHeard("foreman.1");
            assertThat(texts("foreman.1.jsonl")).containsExactly("heard 1", "heard 2");
            store.transcript("foreman.1", note("heard 3"), true);
            store.transcript("foreman.1", note("the turn's result"));
            assertThat(texts("foreman.1.jsonl")).containsExactly("heard 1", "heard 2", "heard 3", "the turn's result");
            store.transcript("foreman.1", note("heard as the daemon stops"), true);
        }
        assertThat(texts("foreman.1.jsonl")).containsExactly("heard 1", "heard 2", "heard 3", "the turn's result",
                "heard as the daemon stops");
    }

    @Test
    void aTranscriptPastItsCapIsRotatedKeepingTheNewestPartsAndDroppingTheOldest() throws Exception {
        long cap = 2 * note("n00").toLine().length; // two lines a file
        try (Store store = openCapped(cap)) {
            for (int i = 0; i < 12; i++) {
                store.transcript("foreman.1", note(String.format("n%02d", i)));
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(tmp.resolve("transcripts"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("foreman.1.3.jsonl",
                    "foreman.1.2.jsonl", "foreman.1.1.jsonl", "foreman.1.jsonl");
        }
        assertThat(texts("foreman.1.3.jsonl")).containsExactly("n04", "n05");
        assertThat(texts("foreman.1.2.jsonl")).containsExactly("n06", "n07");
        assertThat(texts("foreman.1.1.jsonl")).containsExactly("n08", "n09");
        assertThat(texts("foreman.1.jsonl")).containsExactly("n10", "n11");
        for (String part : List.of("foreman.1.1.jsonl", "foreman.1.3.jsonl", "foreman.1.jsonl")) {
            assertThat(mode(tmp.resolve("transcripts").resolve(part))).isEqualTo("rw-------");
        }
    }

    @Test
    void rotatingCutsOffATornLineAndMendsWhatAKillBetweenItsRenamesLeft() throws Exception {
        long cap = 2 * note("n00").toLine().length;
        Path dir = Files.createDirectories(tmp.resolve("transcripts"));
        // a daemon killed mid-line, then one killed mid-rotation: a part missing, the live file not yet created
        Files.write(dir.resolve("foreman.1.jsonl"), note("torn before").toLine());
        Files.writeString(dir.resolve("foreman.1.jsonl"), "{\"timeMs\":1,\"ki", StandardOpenOption.APPEND);
        Files.write(dir.resolve("mechanic.1.3.jsonl"), note("oldest").toLine());
        Files.write(dir.resolve("mechanic.1.1.jsonl"), note("rotated").toLine());
        try (Store store = openCapped(cap)) {
            store.transcript("foreman.1", note("n01"));
            store.transcript("foreman.1", note("n02"));
            for (String text : List.of("m1", "m2", "m3")) {
                store.transcript("mechanic.1", note(text));
            }
        }
        assertThat(texts("foreman.1.1.jsonl")).containsExactly("torn before");
        assertThat(texts("foreman.1.jsonl")).containsExactly("n01", "n02");
        assertThat(dir.resolve("mechanic.1.3.jsonl")).doesNotExist();
        assertThat(texts("mechanic.1.2.jsonl")).containsExactly("rotated");
        assertThat(texts("mechanic.1.1.jsonl")).containsExactly("m1", "m2");
        assertThat(texts("mechanic.1.jsonl")).containsExactly("m3");
        assertThat(mode(dir.resolve("mechanic.1.jsonl"))).isEqualTo("rw-------");
    }

    @Test
    void theTranscriptCapIsSetInTheEnvironmentAndABadOneIsRefusedSayingHow() throws Exception {
        assertThat(TranscriptFiles.cap(Map.of())).isEqualTo(64L << 20);
        assertThat(TranscriptFiles.cap(Map.of("KHLONE_TRANSCRIPT_MAX", "256M"))).isEqualTo(256L << 20);
        assertThat(TranscriptFiles.cap(Map.of("KHLONE_TRANSCRIPT_MAX", "4096"))).isEqualTo(4096);
        assertThatThrownBy(() -> Store.open(tmp.resolve("zone.json"), tmp.resolve("tasks.jsonl"), tmp.resolve("transcripts"),
                Map.of("KHLONE_TRANSCRIPT_MAX", "lots")))
                .hasMessage("KHLONE_TRANSCRIPT_MAX=lots is not a size; unset it (64M) or give bytes or K, M, G,"
                        + " e.g. KHLONE_TRANSCRIPT_MAX=256M");
        assertThat(tmp.resolve("transcripts")).doesNotExist();
    }

    private static TranscriptEntry note(String text) {
        return new TranscriptEntry(1, null, TranscriptEntry.Kind.NOTE, text, null, false);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        assertThatThrownBy(() -> Store.open(file.resolve("zone.json"), file.resolve("tasks.jsonl"), file.resolve("transcripts")))
                .hasMessageContaining("the zone's state directory " + file + " is not writable")
                .hasMessageContaining("set KHLONE_HOME");
    }
}
