package dev.khlone.daemon.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watch triggers on the zone's real files, a real crew and the scripted fake brain, with debounce on a test clock. */
class FileTriggerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    Path root;
    final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:00Z"));
    Path transcripts;
    Store store;
    Crew crew;
    Triggers triggers;

    private void open(String trigger) throws Exception {
        root = Files.createDirectories(tmp.resolve("zone"));
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\ntriggers:\n" + trigger);
        Locations locations = new Locations(tmp.resolve("home"), tmp.resolve("s"));
        Zone zone = locations.zoneAt(root);
        transcripts = locations.transcripts(zone);
        store = Store.open(locations.crewFile(zone), locations.taskJournal(zone), locations.transcripts(zone));
        Map<String, Brain> brains = Map.of("fake", FakeBrain.persistent(tmp.resolve("brain")));
        crew = Crew.restore(zone, store, brains, System.getenv());
        triggers = Triggers.start(root, tmp.resolve("triggers.json"), clock, Triggers.Target.of(crew));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (triggers != null) {
            triggers.close();
        }
        if (crew != null) {
            crew.shutdown();
            store.close();
        }
    }

    private List<TaskInfo> tasks() throws Exception {
        return crew.tasks(null, 100).stream().filter(t -> "src".equals(t.trigger())).toList();
    }

    /** Waits until the trigger has seen {@code files} change, then lets the burst settle on the clock. */
    private void settle(List<String> files) throws Exception {
        Await.until(WAIT, "the watch sees " + files, () -> triggers.burst("src").containsAll(files));
        clock.advance(Duration.ofSeconds(5));
        triggers.tick().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBurstOfTwentyWritesFiresOnceNamingTheFiles() throws Exception {
        open("  - name: src\n    watch: [\"src/**/*.txt\"]\n    debounce: 5s\n    ask: \"review {files}\"\n");
        Files.writeString(root.resolve(".gitignore"), "");
        List<String> files = IntStream.range(0, 20).mapToObj(i -> "src/f" + i + ".txt").toList();
        for (String f : files) {
            Files.writeString(root.resolve(f), "change");
        }
        Files.writeString(root.resolve("src/notes.md"), "not a match");

        Await.until(WAIT, "the watch sees 20 files", () -> triggers.burst("src").size() == 20);
        clock.advance(Duration.ofSeconds(4));
        triggers.tick().get(10, TimeUnit.SECONDS);
        assertThat(tasks()).as("the burst has not settled for 5 s yet").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        triggers.tick().get(10, TimeUnit.SECONDS);
        triggers.tick().get(10, TimeUnit.SECONDS);

        assertThat(tasks()).hasSize(1);
        String prompt = tasks().get(0).prompt();
        assertThat(prompt).startsWith("review ").doesNotContain("notes.md");
        assertThat(prompt.substring("review ".length()).split(" ")).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void itsOwnActTaskWritesDoNotFireItAgain() throws Exception {
        open("  - name: src\n    watch: [\"src/**\"]\n    act: \"write src/generated.txt\"\n");
        Files.writeString(root.resolve("src/a.txt"), "a person's change");
        settle(List.of("src/a.txt"));
        TaskInfo first = Await.value(WAIT, "the trigger's task is done", () -> tasks().stream().findFirst()
                .filter(t -> t.status() == TaskInfo.Status.DONE));
        assertThat(first.result()).isEqualTo("wrote src/generated.txt");
        assertThat(root.resolve("src/generated.txt")).exists();
        assertThat(Files.readString(transcripts.resolve("foreman.1.jsonl")))
                .as("khlone log says which trigger started it").contains("started by the trigger src of khlone.yml");

        // Whatever the watch saw of the task's write has reached the scheduler before this tick.
        clock.advance(Duration.ofMinutes(1));
        triggers.tick().get(10, TimeUnit.SECONDS);
        assertThat(triggers.burst("src")).isEmpty();
        assertThat(tasks()).hasSize(1);

        // The watch still works for a person's changes.
        Files.writeString(root.resolve("src/b.txt"), "another change");
        settle(List.of("src/b.txt"));
        assertThat(tasks()).hasSize(2);
    }

    @Test
    void gitAndWhatGitignoreExcludesStartNothing() throws Exception {
        open("  - name: src\n    watch: [\"**\"]\n    act: \"echo {files}\"\n");
        new ProcessBuilder("git", "init", "-q", root.toString()).inheritIO().start().waitFor();
        Files.writeString(root.resolve(".gitignore"), "build/\n*.log\n");
        Files.createDirectories(root.resolve("build"));
        Files.writeString(root.resolve("build/out.class"), "x");
        Files.writeString(root.resolve("src/debug.log"), "x");
        Files.writeString(root.resolve("src/kept.java"), "x");
        settle(List.of("src/kept.java", ".gitignore"));
        assertThat(tasks()).hasSize(1);
        assertThat(tasks().get(0).prompt()).doesNotContain(".git/", "build/", "debug.log").contains("src/kept.java");
    }
}
