package dev.khlone.testkit.brains;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private home for {@code codex} that talks to a fake model server and to nothing else, and
 * starts its TUI without dialogs. The {@link #environment()} is complete: start the process with it
 * instead of the inherited one, so that a developer's own keys and settings never leak in.
 *
 * <p>Seen with codex 0.169.0: {@code exec} and the TUI send only {@code POST /v1/responses} to the
 * provider's {@code base_url}. The model is {@value #MODEL}, the one whose tools are the shell tool
 * {@code exec_command} and the free-form {@code apply_patch}; the gpt-6 models of codex's catalog
 * offer only a JavaScript {@code exec} tool instead. In a PTY ({@code codex --no-daemon resume
 * ID}, 120x40) the TUI asks the terminal for the kitty keyboard protocol, device attributes, the
 * cursor position and its colours, and goes on without answers; the conversation is on screen
 * about 0.6 s after spawn. Text and {@code \r} written apart submit a prompt, a reply is on screen
 * 0.15 s later; ctrl-c exits at once, printing {@code codex resume <id>}.
 *
 * @param home        {@code $HOME}; {@code $CODEX_HOME} is {@code home/.codex}
 * @param project     the working directory codex is told to trust
 * @param environment every variable the process should see
 * @param arguments   arguments every launch needs besides its own (see {@link #seed})
 */
public record CodexHome(Path home, Path project, Map<String, String> environment, List<String> arguments) {
    /** codex sends it as the bearer token; the provider's {@code env_key} names this variable. */
    public static final String KEY_VARIABLE = "KHLONE_FAKE_OPENAI_KEY";
    public static final String MODEL = "gpt-5.5";
    /** The model codex's catalog offers instead of {@value #MODEL}, in a dialog at the TUI's start. */
    private static final String UPGRADE = "gpt-6-sol";

    public CodexHome {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        arguments = List.copyOf(arguments);
    }

    /** {@code $CODEX_HOME}, where codex keeps its config, sessions ({@code sessions/}) and state. */
    public Path codexHome() {
        return home.resolve(".codex");
    }

    /**
     * Lays out {@code dir/home} with {@code .codex/config.toml}, its XDG directories and
     * {@code dir/tmp}, trusts {@code project}, and points codex at {@code baseUrl}.
     *
     * <p>The model-upgrade dialog is pre-answered with a {@code -c} override in {@link #arguments()}
     * rather than in {@code config.toml}: the TUI rewrites that file when it exits and drops the
     * {@code [notice.model_migrations]} entry, so every other start would stop on the dialog.
     */
    public static CodexHome seed(Path dir, Path project, URI baseUrl) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path codexHome = Files.createDirectories(home.resolve(".codex"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path abs = project.toAbsolutePath().normalize();
        Files.writeString(codexHome.resolve("config.toml"), config(abs, baseUrl), StandardCharsets.UTF_8);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "xterm-256color"); // only the TUI reads it
        env.put("HOME", home.toString());
        env.put("CODEX_HOME", codexHome.toString());
        env.put("XDG_CONFIG_HOME", Files.createDirectories(home.resolve(".config")).toString());
        env.put("XDG_DATA_HOME", Files.createDirectories(home.resolve(".local/share")).toString());
        env.put("XDG_STATE_HOME", Files.createDirectories(home.resolve(".local/state")).toString());
        env.put("XDG_CACHE_HOME", Files.createDirectories(home.resolve(".cache")).toString());
        env.put("TMPDIR", tmp.toString());
        env.put(KEY_VARIABLE, "khlone-fake-key");
        return new CodexHome(home, abs, env,
                List.of("-c", "notice.model_migrations={\"" + MODEL + "\"=\"" + UPGRADE + "\"}"));
    }

    private static String config(Path project, URI baseUrl) {
        return String.join("\n",
                "model = " + quoted(MODEL),
                "model_provider = \"fake\"",
                "check_for_update_on_startup = false",
                "",
                "[model_providers.fake]",
                "name = \"fake\"",
                "base_url = " + quoted(baseUrl.resolve("/v1").toString()),
                "wire_api = \"responses\"",
                "env_key = " + quoted(KEY_VARIABLE),
                // Otherwise one injected 401 or 500 is retried with back-off for seconds.
                "request_max_retries = 0",
                "stream_max_retries = 0",
                "",
                "[analytics]",
                "enabled = false",
                "",
                // Each of these fetches from OpenAI's servers at start.
                "[features]",
                "plugins = false",
                "remote_plugin = false",
                "apps = false",
                "tool_suggest = false",
                "",
                "[projects." + quoted(project.toString()) + "]", // "do you trust this folder?"
                "trust_level = \"trusted\"",
                "",
                "[tui]",
                "screen_reader_detection_done = true",
                "");
    }

    /** A TOML basic string. */
    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
