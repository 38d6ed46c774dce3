package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** watch against a scripted daemon: what reaches stdout. */
class WatchTest {
    @TempDir
    Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
    }

    @Test
    void rawOutputArrivesWholeAndANoticeAfterACutLineStartsALineOfItsOwn() throws Exception {
        String big = "y".repeat(300_000) + "\n";
        String skipped = "skipped 9 bytes of foreman.1's output while this terminal was not keeping up";
        try (FakeDaemon daemon = FakeDaemon.streaming(cli, r -> r instanceof Request.Watch ? Arrays.asList(
                new Reply.Watching(r.id(), "foreman.1", false),
                new Push.Output(r.id(), bytes("a line cut")),
                new Push.Notice(r.id(), skipped),
                new Push.Output(r.id(), bytes(big)),
                new Push.Output(r.id(), bytes("{\"type\":\"done\"}\n")),
                new Push.Notice(r.id(), "after a whole line"),
                null) : null)) {
            Cli.Run r = cli.run("watch", "--raw");
            assertThat(r.exitCode()).as("the daemon went away").isEqualTo(3);
            assertThat(cli.stdoutBytes()).isEqualTo("a line cut\n· " + skipped + "\n" + big + "{\"type\":\"done\"}\n· after a whole line\n");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
