package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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
}
