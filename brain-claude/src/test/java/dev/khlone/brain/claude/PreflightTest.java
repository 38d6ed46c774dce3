package dev.khlone.brain.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user is told when claude, or a login for it, is missing; temp dirs only, nothing real is read. */
class PreflightTest {
    @TempDir
    Path dir;

    private Path home;
    private Path zone;
    private Path bin;
    private Path managed;
    private ClaudeBrain brain;

    @BeforeEach
    void layOut() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        zone = Files.createDirectories(dir.resolve("zone"));
        bin = Files.createDirectories(dir.resolve("bin"));
        managed = dir.resolve("etc/managed-settings.json");
        brain = new ClaudeBrain(new Login(managed));
    }

    @Test
    void noClaudeOnThePathSaysWhereItLookedAndHowToInstallThePinnedVersion() {
        Preflight result = check(Map.of("PATH", bin.toString(), "HOME", home.toString(), "ANTHROPIC_API_KEY", "k"));

        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).isEqualTo("claude (Claude Code) is not installed: no claude on the PATH (" + bin + ")");
        assertThat(result.hint()).isEqualTo("install it with `npm install -g @anthropic-ai/claude-code@2.1.328` (or set KHLONE_CLAUDE_BIN "
                + "to its binary), then run the command again: each command hands the daemon its PATH");
    }

    @Test
    void anOverrideThatIsNotThereOrCannotRunIsNamed() throws IOException {
        Path missing = dir.resolve("nowhere/claude");
        Path plain = Files.writeString(dir.resolve("claude.txt"), "not a program");

        Preflight absent = check(Map.of("KHLONE_CLAUDE_BIN", missing.toString(), "ANTHROPIC_API_KEY", "k"));
        Preflight notExecutable = check(Map.of("KHLONE_CLAUDE_BIN", plain.toString(), "ANTHROPIC_API_KEY", "k"));
        Preflight directory = check(Map.of("KHLONE_CLAUDE_BIN", bin.toString(), "ANTHROPIC_API_KEY", "k"));

        assertThat(absent.problem()).isEqualTo("KHLONE_CLAUDE_BIN is set to " + missing + ", which does not exist");
        assertThat(notExecutable.problem()).isEqualTo("KHLONE_CLAUDE_BIN is set to " + plain
                + ", which is not an executable file");
        assertThat(directory.problem()).endsWith("which is not an executable file");
        assertThat(absent.hint()).isEqualTo("point KHLONE_CLAUDE_BIN at the claude binary, or unset it to use claude on the PATH");
    }

    @Test
    void anOverrideThatRunsIsEnoughEvenWithNoClaudeOnThePath() throws IOException {
        Path claude = executable(dir.resolve("pinned/claude"));

        assertThat(check(Map.of("KHLONE_CLAUDE_BIN", claude.toString(), "PATH", bin.toString(),
                "HOME", home.toString(), "ANTHROPIC_AUTH_TOKEN", "t"))).isEqualTo(Preflight.OK);
    }

    @Test
    void withNothingToLogInWithItSaysHowToLogIn() throws IOException {
        executable(bin.resolve("claude"));
        // Files that look like a login but are not one.
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true,\"primaryApiKey\":\"\"}");
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(home.resolve(".claude/settings.json"), "{\"apiKeyHelper\": not json");

        Preflight result = check(Map.of("PATH", bin.toString(), "HOME", home.toString(),
                "ANTHROPIC_API_KEY", " ", "CLAUDE_CODE_USE_BEDROCK", "0"));

        assertThat(result).isEqualTo(Preflight.problem("claude is not logged in",
                "run `claude` once and log in, or set ANTHROPIC_API_KEY"));
    }

    @Test
    void installedAndLoggedInIsOk() throws IOException {
        executable(bin.resolve("claude"));
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(home.resolve(".claude/.credentials.json"), "{}");

        assertThat(check(Map.of("PATH", bin.toString(), "HOME", home.toString()))).isEqualTo(Preflight.OK);
    }

    @Test
    void everyWayClaudeLogsInCounts() throws IOException {
        Map<String, String> base = Map.of("HOME", home.toString());
        for (String variable : List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN")) {
            assertThat(source(with(base, variable, "secret"))).contains(variable);
        }
        for (String provider : List.of("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY")) {
            assertThat(source(with(base, provider, "true"))).contains(provider);
        }

        Path configDir = Files.createDirectories(dir.resolve("config"));
        Files.writeString(configDir.resolve(".credentials.json"), "{}");
        assertThat(source(with(base, "CLAUDE_CONFIG_DIR", configDir.toString())))
                .contains(configDir.resolve(".credentials.json").toString());

        Files.writeString(home.resolve(".claude.json"), "{\"primaryApiKey\":\"sk-ant-x\"}");
        assertThat(source(base)).contains(home.resolve(".claude.json") + " (primaryApiKey)");
        Files.delete(home.resolve(".claude.json"));

        Path project = Files.createDirectories(zone.resolve(".claude")).resolve("settings.local.json");
        Files.writeString(project, "{\"apiKeyHelper\":\"/usr/local/bin/key\"}");
        assertThat(source(base)).contains(project + " (apiKeyHelper)");
        Files.delete(project);

        Files.createDirectories(managed.getParent());
        Files.writeString(managed, "{\"apiKeyHelper\":\"vault read key\"}");
        assertThat(source(base)).contains(managed + " (apiKeyHelper)");
        Files.delete(managed);

        assertThat(source(base)).isEmpty();
    }

    private Preflight check(Map<String, String> env) {
        return brain.check(new Options(zone, null, List.of(), new Environment(env)));
    }

    private Optional<String> source(Map<String, String> env) {
        return new Login(managed).source(new Environment(env), zone);
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
