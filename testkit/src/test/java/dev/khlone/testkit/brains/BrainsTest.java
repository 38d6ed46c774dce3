package dev.khlone.testkit.brains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrainsTest {
    @TempDir
    Path repo;

    @Test
    void findsTheInstalledBinaryFromAnywhereInTheRepo() throws IOException {
        Files.createDirectories(repo.resolve("scripts"));
        Files.writeString(repo.resolve("scripts/install-brains"), "#!/bin/sh\n");
        Path claude = executable(repo.resolve(".brains/node_modules/.bin/claude"));
        Path deep = Files.createDirectories(repo.resolve("testkit/target"));

        assertThat(Brains.locate("claude", Map.of(), deep)).isEqualTo(claude);
    }

    @Test
    void theEnvironmentVariableWins() throws IOException {
        Path elsewhere = executable(repo.resolve("bin/claude"));

        assertThat(Brains.locate("claude", Map.of("KHLONE_CLAUDE_BIN", elsewhere.toString()), repo))
                .isEqualTo(elsewhere);
    }

    @Test
    void aMissingBinarySaysHowToInstallIt() throws IOException {
        Files.createDirectories(repo.resolve("scripts"));
        Files.writeString(repo.resolve("scripts/install-brains"), "#!/bin/sh\n");

        assertThatThrownBy(() -> Brains.locate("claude", Map.of(), repo))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(repo.resolve(".brains/node_modules/.bin/claude").toString())
                .hasMessageContaining("run scripts/install-brains");
    }

    private static Path executable(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
