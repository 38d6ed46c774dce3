package dev.khlone.brain.codex;

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

/** What a user is told when codex, or a login for it, is missing; temp dirs only, nothing real is read. */
class PreflightTest {
    @TempDir
    Path dir;

    private Path codexHome;
    private Path bin;
    private Map<String, String> base;
    private final CodexBrain brain = new CodexBrain();

    @BeforeEach
    void layOut() throws IOException {
        codexHome = Files.createDirectories(dir.resolve("home/.codex"));
        bin = Files.createDirectories(dir.resolve("bin"));
        base = Map.of("HOME", dir.resolve("home").toString(), "PATH", bin.toString());
    }

    @Test
    void noCodexOnThePathSaysWhereItLookedAndHowToInstallThePinnedVersion() {
        Preflight result = check(with(base, "OPENAI_API_KEY", "k"));

        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).isEqualTo("codex (Codex CLI) is not installed: no codex on the PATH (" + bin + ")");
        assertThat(result.hint()).isEqualTo("install it with `npm install -g @openai/codex@0.169.0` (or set KHLONE_CODEX_BIN "
                + "to its binary), then run the command again: each command hands the daemon its PATH");
    }

    @Test
    void anOverrideThatIsNotThereIsNamed() {
        Path missing = dir.resolve("nowhere/codex");

        Preflight result = check(with(with(base, "OPENAI_API_KEY", "k"), "KHLONE_CODEX_BIN", missing.toString()));

        assertThat(result.problem()).isEqualTo("KHLONE_CODEX_BIN is set to " + missing + ", which does not exist");
        assertThat(result.hint()).contains("point KHLONE_CODEX_BIN at the codex binary");
    }

    @Test
    void installedButNotLoggedInSaysHowToLogIn() throws IOException {
        executable(bin.resolve("codex"));

        Preflight result = check(base);

        assertThat(result).isEqualTo(Preflight.problem("codex is not logged in",
                "run `codex login`, or set OPENAI_API_KEY (or CODEX_API_KEY)"));
        executable(bin.resolve("codex"));
        assertThat(check(with(base, "CODEX_API_KEY", "k"))).isEqualTo(Preflight.OK);
    }

    @Test
    void everyWayCodexLogsInCounts() throws IOException {
        for (String variable : List.of("OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN")) {
            assertThat(source(with(base, variable, "secret"))).contains(variable);
        }
        assertThat(source(with(base, "OPENAI_API_KEY", " "))).isEmpty();

        Files.writeString(codexHome.resolve("auth.json"), "{}");
        assertThat(source(base)).contains(codexHome.resolve("auth.json").toString());
        Path elsewhere = Files.createDirectories(dir.resolve("other-codex-home"));
        assertThat(source(with(base, "CODEX_HOME", elsewhere.toString()))).isEmpty();
        Files.delete(codexHome.resolve("auth.json"));

        config("cli_auth_credentials_store = \"keyring\"\n");
        assertThat(source(base)).contains(codexHome.resolve("config.toml") + " (credentials in the keyring)");

        config("model_provider = \"ollama\"\n");
        assertThat(source(base)).isPresent();
    }

    @Test
    void aProviderOfTheConfigLogsInWithItsOwnVariable() throws IOException {
        config("""
                model = "gpt-5.5"
                model_provider = "fake" # a comment
                [model_providers.fake]
                base_url = "http://127.0.0.1:1/v1"
                env_key = "MY_KEY"
                """);
        assertThat(source(base)).isEmpty();
        assertThat(source(with(base, "MY_KEY", "k"))).contains("MY_KEY (provider fake)");

        config("""
                model_provider = 'gateway'
                [model_providers."gateway"]
                experimental_bearer_token = "t0ken"
                """);
        assertThat(source(base)).isPresent();

        config("""
                model_provider = "local"
                [model_providers.local]
                base_url = "http://127.0.0.1:8080/v1"
                """);
        assertThat(source(base)).contains(codexHome.resolve("config.toml") + " (provider local needs no key)");

        config("""
                model_provider = "azure"
                [model_providers.azure]
                requires_openai_auth = true
                """);
        assertThat(source(base)).isEmpty();

        config("model_provider = \"missing\"\n");
        assertThat(source(base)).isEmpty();
    }

    private void config(String toml) throws IOException {
        Files.writeString(codexHome.resolve("config.toml"), toml);
    }

    private Preflight check(Map<String, String> env) {
        return brain.check(new Options(dir, null, List.of(), new Environment(env)));
    }

    private static Optional<String> source(Map<String, String> env) {
        return new Login().source(new Environment(env));
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
