package dev.khlone.protocol.brain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a command hands the daemon for its brains, and how that updates the brains' environment. */
class EnvironmentTest {
    @Test
    void aCommandHandsOnPathProxiesAndTheBrainsOwnVariablesOnly() {
        Map<String, String> shell = Map.of("PATH", "/new/bin:/usr/bin", "HOME", "/home/me", "ANTHROPIC_API_KEY", "a",
                "OPENAI_BASE_URL", "http://127.0.0.1:1", "CODEX_HOME", "/c", "OPENCODE_CONFIG", "/o", "CLAUDE_CONFIG_DIR", "/d",
                "https_proxy", "http://proxy:3128", "KHLONE_CLAUDE_BIN", "/opt/claude", "AWS_SECRET_ACCESS_KEY", "secret");
        assertThat(Environment.forBrains(shell)).containsOnlyKeys("PATH", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL",
                "CODEX_HOME", "OPENCODE_CONFIG", "CLAUDE_CONFIG_DIR", "https_proxy", "KHLONE_CLAUDE_BIN");
    }

    @Test
    void anUpdateReplacesWhatCommandsHandOnSetOrUnsetAndKeepsTheRest() {
        Map<String, String> daemon = Map.of("PATH", "/old/bin", "HOME", "/home/me", "ANTHROPIC_API_KEY", "old", "LANG", "C.UTF-8");
        Map<String, String> updated = Environment.updated(daemon, Map.of("PATH", "/new/bin", "OPENAI_API_KEY", "k", "LANG", "fr"));
        assertThat(updated).isEqualTo(Map.of("PATH", "/new/bin", "HOME", "/home/me", "OPENAI_API_KEY", "k", "LANG", "C.UTF-8"));
    }
}
