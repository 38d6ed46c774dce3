package dev.khlone.brain.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionListTest {
    @TempDir
    Path dir;

    private Path opencode(String script) throws IOException {
        Path bin = dir.resolve("opencode");
        Files.writeString(bin, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static Environment env() {
        return new Environment(Map.of("PATH", System.getenv("PATH")));
    }

    @Test
    void aListThatNeverEndsIsGivenUpOnAtTheTimeoutAndNothingItStartedIsLeftRunning() throws Exception {
        Path started = dir.resolve("child.pid");
        Path bin = opencode("sleep 60 & echo $! > '" + started + "'\necho '['\nwait");
        long before = System.nanoTime();

        assertThat(SessionList.latestPrompted(bin.toString(), env(), dir, Instant.EPOCH, Duration.ofSeconds(1))).isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(Files.readString(started).trim());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                .as("the list's own child, killed with it").isFalse();
    }

    @Test
    void aListThatIsNotAJsonListGivesNoSession() throws Exception {
        for (String printed : new String[] {"Error: database is locked", "{\"id\":\"ses_1\"}", "[\"ses_1\", 3]"}) {
            Path bin = opencode("cat <<'EOF'\n" + printed + "\nEOF");
            assertThat(SessionList.latestPrompted(bin.toString(), env(), dir, Instant.EPOCH)).as(printed).isEmpty();
        }
    }
}
