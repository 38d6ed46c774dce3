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
 * A private home for {@code claude} that talks to a fake model server and to nothing else, and
 * starts without dialogs. The {@link #environment()} is complete: start the process with it
 * instead of the inherited one, so that a developer's own keys and settings never leak in.
 *
 * <p>Seen with claude 2.1.328 in a PTY ({@code claude --resume ID}, 120x40): no dialog; the
 * earlier conversation is on screen; the TUI is ready about 0.45 s after spawn, when the input
 * line shows {@code ❯} followed by a no-break space (U+00A0) between two rules. Text plus
 * {@code \r} in one write is submitted; a {@code \r} written before ready is lost (the text stays
 * in the input). It enables bracketed paste (and mouse tracking, focus events, the alternate
 * screen); a bracketed paste of 6,000 characters reaches the model whole but wrapped in
 * {@code <pasted_content id="...">} tags. {@code /exit} + {@code \r} or ctrl-c twice exits
 * within 0.4 s, printing {@code claude --resume <id>}.
 *
 * @param home        {@code $HOME}, holding {@code .claude.json} and, once claude ran, {@code .claude/}
 * @param project     the working directory claude is told to trust
 * @param environment every variable the process should see
 */
public record ClaudeHome(Path home, Path project, Map<String, String> environment) {
    /** Sent as a bearer token: unlike an API key, it needs no "use this key?" answer in the TUI. */
    public static final String TOKEN = "khlone-fake-token";

    public ClaudeHome {
        // Insertion order kept, so a dump of the environment reads in the order it is explained below.
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /**
     * Lays out {@code dir/home}, its XDG directories and {@code dir/tmp}, pre-answers claude's
     * first-run dialogs for {@code project}, and points claude at {@code baseUrl}.
     */
    public static ClaudeHome seed(Path dir, Path project, URI baseUrl) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path abs = project.toAbsolutePath().normalize();
        Files.writeString(home.resolve(".claude.json"), Json.write(config(abs)), StandardCharsets.UTF_8);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "xterm-256color"); // only the TUI reads it; -p ignores it
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", Files.createDirectories(home.resolve(".config")).toString());
        env.put("XDG_DATA_HOME", Files.createDirectories(home.resolve(".local/share")).toString());
        env.put("XDG_STATE_HOME", Files.createDirectories(home.resolve(".local/state")).toString());
        env.put("XDG_CACHE_HOME", Files.createDirectories(home.resolve(".cache")).toString());
        // claude puts its sockets and scratch files here; the shared /tmp would mix test runs.
        env.put("TMPDIR", tmp.toString());
        env.put("ANTHROPIC_BASE_URL", baseUrl.toString());
        env.put("ANTHROPIC_AUTH_TOKEN", TOKEN);
        // Without this: a connectivity check and a session-title request besides the turns.
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL", "1");
        // Otherwise one injected 401 or 529 is retried for over a minute.
        env.put("CLAUDE_CODE_MAX_RETRIES", "0");
        return new ClaudeHome(home, abs, env);
    }

    private static Map<String, Object> config(Path project) {
        Map<String, Object> trust = new LinkedHashMap<>();
        trust.put("hasTrustDialogAccepted", true);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("hasCompletedOnboarding", true); // theme picker and welcome screens
        config.put("hasSeenAutoDefaultNotice", true); // "auto mode is now the default" notice
        config.put("projects", Map.of(project.toString(), trust)); // "do you trust this folder?"
        return config;
    }
}
