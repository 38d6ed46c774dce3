package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.ClaudeHome;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A brain installed after the daemon started is found by the next command, with no restart: each
 * command hands the daemon its PATH (tmux's update-environment), with the real claude.
 */
class BrainPathIT {
    private static final String BARE = "/usr/local/bin:/usr/bin:/bin";

    BrainZone zone;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone("claude");
        // claude is found on the PATH, as a user's is: no KHLONE_CLAUDE_BIN, and no PATH of khlone.yml's.
        zone.khlone.env().remove(BrainZone.binaryVariable("claude"));
        Map<String, String> env = new LinkedHashMap<>(
                ClaudeHome.seed(zone.khlone.root().resolve("claude-home"), zone.dir, zone.model.baseUrl()).environment());
        env.remove("PATH");
        Files.writeString(zone.dir.resolve("khlone.yml"), Json.write(Map.of("hero", "foreman@claude",
                "brains", Map.of("claude", Map.of("brain", "claude", "env", env)))));
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    private KhloneHarness.Result run(String path, String... args) {
        ProcessBuilder pb = zone.khlone.command(zone.dir, args);
        pb.environment().put("PATH", path);
        return KhloneHarness.run(pb);
    }

    @Test
    void aBrainInstalledAfterTheDaemonStartedIsFoundByTheNextCommand() throws Exception {
        assertThat(run(BARE, "status").exitCode()).isZero(); // the daemon starts on a PATH without claude
        long daemon = zone.khlone.daemonPid(zone.khlone.zone(zone.dir)).orElseThrow();

        KhloneHarness.Result missing = run(BARE, "act", "--await", "hello");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("claude (Claude Code) is not installed: no claude on the PATH (" + BARE + ")")
                .contains("then run the command again: each command hands the daemon its PATH");

        Path bin = Files.createDirectories(zone.khlone.root().resolve("just-installed"));
        Files.createSymbolicLink(bin.resolve("claude"), Brains.claude());
        zone.model.enqueue(Reply.text("found it"));
        KhloneHarness.Result found = run(bin + ":" + BARE, "act", "--await", "hello");
        assertThat(found.exitCode()).as(found.err()).isZero();
        assertThat(found.out()).isEqualTo("found it\n");
        assertThat(zone.khlone.daemonPid(zone.khlone.zone(zone.dir))).as("the same daemon").contains(daemon);
    }
}
