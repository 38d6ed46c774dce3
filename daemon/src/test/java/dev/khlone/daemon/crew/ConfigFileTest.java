package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.daemon.notify.Event;
import dev.khlone.daemon.notify.Hook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** khlone.yml is parsed again when it changed, and only then. */
class ConfigFileTest {
    @TempDir
    Path root;

    @Test
    void theFileIsParsedAgainOnlyWhenItChanged() throws Exception {
        ConfigFile file = new ConfigFile(root);
        assertThat(file.current()).isEqualTo(ZoneConfig.DEFAULT);

        Path yml = root.resolve(ZoneConfig.FILE);
        Files.writeString(yml, "hero: mechanic@fake\n");
        ZoneConfig fresh = file.current();
        assertThat(fresh.heroRole()).isEqualTo("mechanic");
        assertThat(file.current()).as("a file just written is read again, but parsed again only if it changed").isSameAs(fresh);

        Files.setLastModifiedTime(yml, FileTime.from(Instant.now().minusSeconds(60)));
        ZoneConfig read = file.current();
        assertThat(file.current()).as("an old, unchanged file is not parsed again").isSameAs(read);

        Files.writeString(yml, "hero: scout@fake\n"); // the same size, a new time
        assertThat(file.current().heroRole()).isEqualTo("scout");

        Files.writeString(yml, "hero: [broken\n");
        assertThatThrownBy(file::current).isInstanceOf(ZoneConfig.Invalid.class).hasMessageContaining("is not valid YAML");

        Files.delete(yml);
        assertThat(file.current()).isEqualTo(ZoneConfig.DEFAULT);
    }

    @Test
    void notifyTakesAStringForShOrAListOfWordsItsEventsAndATimeoutAndSaysWhichFieldIsWrong() throws Exception {
        Path yml = root.resolve(ZoneConfig.FILE);
        Files.writeString(yml, "notify:\n  run: printf '%s\\n' \"$KHLONE_EVENT\" >> hook.log\n");
        assertThat(new ConfigFile(root).current().hook()).isEqualTo(new Hook(
                List.of("sh", "-c", "printf '%s\\n' \"$KHLONE_EVENT\" >> hook.log"), EnumSet.allOf(Event.Kind.class), Hook.TIMEOUT));
        Files.writeString(yml, "notify:\n  run: [notify-send, khlone]\n  on: [task-failed, clone-failed]\n  timeout: 3s\n");
        assertThat(new ConfigFile(root).current().hook()).isEqualTo(new Hook(List.of("notify-send", "khlone"),
                EnumSet.of(Event.Kind.TASK_FAILED, Event.Kind.CLONE_FAILED), Duration.ofSeconds(3)));
        for (String[] bad : new String[][] {
                {"notify:\n  run: []\n", "notify.run must be a command"},
                {"notify:\n  run: x\n  on: [task-finished]\n", "notify.on: 'task-finished' is not an event"},
                {"notify:\n  run: x\n  timeout: soon\n", "notify.timeout: 'soon' is not a duration"},
                {"notify:\n  run: x\n  when: always\n", "notify.when is not a setting"}}) {
            Files.writeString(yml, bad[0]);
            assertThatThrownBy(() -> new ConfigFile(root).current()).as(bad[0]).hasMessageContaining(bad[1]);
        }
    }

    @Test
    void triggersAreKeptAsTheFileSaysThemForTheTriggerPackageAndMustBeAList() throws Exception {
        Path yml = root.resolve(ZoneConfig.FILE);
        Files.writeString(yml, "triggers:\n  - name: standup\n    cron: \"0 9 * * 1-5\"\n    ask: what changed?\n  - nonsense\n");
        assertThat(new ConfigFile(root).current().triggers()).containsExactly(
                Map.of("name", "standup", "cron", "0 9 * * 1-5", "ask", "what changed?"), "nonsense");
        assertThat(ZoneConfig.DEFAULT.triggers()).isEmpty();
        Files.writeString(yml, "triggers:\n  name: standup\n");
        assertThatThrownBy(() -> new ConfigFile(root).current()).hasMessageContaining("triggers must be a list of entries");
    }
}
