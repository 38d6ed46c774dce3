package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code khlone} launcher itself, before any JVM: where it finds the install, and when it cannot. */
class LauncherIT {
    private static final Path LAUNCHER = Path.of(System.getProperty("khlone.dist"), "bin", "khlone");

    @TempDir
    Path dir;

    @Test
    void aLauncherWhoseInstallWasRemovedSaysSoAndWhatToDo() throws Exception {
        // The command on the PATH as scripts/install writes it, naming a lib/ that is gone.
        String baked = Files.readString(LAUNCHER).replaceFirst("(?m)^lib=$", "lib='" + dir.resolve("gone/lib") + "'");
        Path onPath = executable(dir.resolve("bin/khlone"), baked);

        for (Path launcher : List.of(onPath, executable(dir.resolve("moved/bin/khlone"), Files.readString(LAUNCHER)))) {
            Process p = new ProcessBuilder(launcher.toString(), "status").redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(p.exitValue()).as(said).isEqualTo(1);
            assertThat(said).startsWith("khlone: no khlone-cli.jar in ").contains("the install was moved or removed")
                    .contains("hint: install it again").doesNotContain("Exception").doesNotContain("Error:");
        }
    }

    @Test
    void theLayoutsOwnLauncherFindsItsLibByAnyPath() throws Exception {
        Path bin = LAUNCHER.getParent();
        for (String how : List.of(LAUNCHER.toString(), "./khlone", "../bin/khlone")) {
            Process p = new ProcessBuilder("sh", "-c", how + " version").directory(bin.toFile()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(said).as(how).startsWith("khlone ");
        }
        Path link = Files.createSymbolicLink(dir.resolve("khlone"), LAUNCHER);
        Process p = new ProcessBuilder(link.toString(), "version").redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as("through a link").startsWith("khlone ");
    }

    private static Path executable(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
