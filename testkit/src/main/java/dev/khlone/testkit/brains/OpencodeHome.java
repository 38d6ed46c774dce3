package dev.khlone.testkit.brains;

import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A private home for {@code opencode} that talks to a fake model server and to nothing else. The
 * {@link #environment()} is complete: start the process with it instead of the inherited one.
 *
 * <p>opencode reads {@code $XDG_CONFIG_HOME/opencode/opencode.json}, here one provider,
 * {@value #PROVIDER}, on the bundled {@code @ai-sdk/openai-compatible} package with
 * {@code options.baseURL} at the fake server's {@code /v1} (so it calls
 * {@code POST /v1/chat/completions}), and one model, {@value #MODEL}, with a price (so turns cost
 * something) and a context limit (without one, ACP sends no {@code usage_update}, which carries
 * the cost). It keeps its sessions in {@code $XDG_DATA_HOME/opencode/opencode.db}.
 *
 * <p>What keeps opencode 1.18.33 off the network: {@code OPENCODE_DISABLE_MODELS_FETCH} (else it
 * fetches models.dev), {@code OPENCODE_DISABLE_AUTOUPDATE}, {@code OPENCODE_DISABLE_DEFAULT_PLUGINS},
 * {@code OPENCODE_DISABLE_LSP_DOWNLOAD}, {@code OPENCODE_DISABLE_SHARE}; and, in the config
 * directory, a {@code package-lock.json} naming {@code @opencode-ai/plugin} beside an empty
 * {@code node_modules/}, without which every start runs an npm install of that package in the
 * background.
 *
 * @param home        {@code $HOME}; the XDG directories are under it
 * @param project     the working directory
 * @param environment every variable the process should see
 */
public record OpencodeHome(Path home, Path project, Map<String, String> environment) {
    public static final String PROVIDER = "fake";
    public static final String MODEL = "fake-model";
    public static final String KEY = "khlone-fake-key";
    /** Dollars per million tokens, as opencode's model config takes prices. */
    public static final double INPUT_PRICE = 3;
    public static final double OUTPUT_PRICE = 15;

    public OpencodeHome {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** Where opencode keeps its sessions. */
    public Path database() {
        return home.resolve(".local/share/opencode/opencode.db");
    }

    public static OpencodeHome seed(Path dir, Path project, URI baseUrl) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path config = Files.createDirectories(home.resolve(".config/opencode"));
        Files.writeString(config.resolve("opencode.json"), Json.write(config(baseUrl)), StandardCharsets.UTF_8);
        Files.writeString(config.resolve("package-lock.json"), Json.write(lock()), StandardCharsets.UTF_8);
        Files.createDirectories(config.resolve("node_modules"));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "xterm-256color"); // only the TUI reads it
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_DATA_HOME", Files.createDirectories(home.resolve(".local/share")).toString());
        env.put("XDG_STATE_HOME", Files.createDirectories(home.resolve(".local/state")).toString());
        env.put("XDG_CACHE_HOME", Files.createDirectories(home.resolve(".cache")).toString());
        env.put("TMPDIR", tmp.toString());
        env.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
        env.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        env.put("OPENCODE_DISABLE_DEFAULT_PLUGINS", "1");
        env.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
        env.put("OPENCODE_DISABLE_SHARE", "1");
        return new OpencodeHome(home, project.toAbsolutePath().normalize(), env);
    }

    private static Map<String, Object> config(URI baseUrl) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", "Fake Model");
        model.put("cost", Map.of("input", INPUT_PRICE, "output", OUTPUT_PRICE));
        model.put("limit", Map.of("context", 128_000, "output", 8_192));
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("baseURL", baseUrl.resolve("/v1").toString());
        options.put("apiKey", KEY);
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("npm", "@ai-sdk/openai-compatible");
        provider.put("name", "Fake");
        provider.put("options", options);
        provider.put("models", Map.of(MODEL, model));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("$schema", "https://opencode.ai/config.json");
        config.put("model", PROVIDER + "/" + MODEL);
        config.put("provider", Map.of(PROVIDER, provider));
        return config;
    }

    /** What npm would write after installing the plugin package: opencode then sees nothing to install. */
    private static Map<String, Object> lock() {
        Map<String, Object> root = Map.of("dependencies", Map.of("@opencode-ai/plugin", "*"));
        Map<String, Object> lock = new LinkedHashMap<>();
        lock.put("name", "opencode");
        lock.put("lockfileVersion", 3);
        lock.put("requires", true);
        lock.put("packages", Map.of("", root));
        return lock;
    }
}
