package dev.khlone.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.wire.TaskInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
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
        TaskInfo queued = TaskInfo.queued("t-1", "foreman.1", TaskInfo.Mode.ACT, "do it", 1000);
        CloneRecord clone = new CloneRecord("foreman.1", "foreman", 1, "claude", "m", List.of("--x"), Map.of("K", "V"),
                "uuid-1", true, "t-1", List.of("t-2"), null, 4242, 1_700_000_000_000L);
        try (Store store = open()) {
            store.journal(queued);
            store.journal(queued.started(2000));
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

    @Test
    void aTornLastRecordIsIgnoredButDamageBeforeItIsReported() throws Exception {
        try (Store store = open()) {
            store.journal(TaskInfo.queued("t-1", "foreman.1", TaskInfo.Mode.ASK, "q", 1));
        }
        Files.writeString(tmp.resolve("tasks.jsonl"), "{\"id\":\"t-2\",\"clo", StandardOpenOption.APPEND);
        try (Store store = open()) {
            assertThat(store.load().tasks()).containsOnlyKeys("t-1");
        }
        Files.writeString(tmp.resolve("tasks.jsonl"), "\n{\"id\":\"t-3\"}\n", StandardOpenOption.APPEND);
        try (Store store = open()) {
            assertThatThrownBy(store::load).hasMessageContaining("tasks.jsonl line 2 is damaged");
        }
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        assertThatThrownBy(() -> Store.open(file.resolve("zone.json"), file.resolve("tasks.jsonl"), file.resolve("transcripts")))
                .hasMessageContaining("the zone's state directory " + file + " is not writable")
                .hasMessageContaining("set KHLONE_HOME");
    }
}
