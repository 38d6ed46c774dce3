package dev.khlone.brain.claude;

import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether claude has something to log in with, by the sources claude 2.1.328 reads (found in its
 * code, not guessed): keys and tokens in the environment, a third-party provider switched on, the
 * claude.ai login in {@code .credentials.json}, the key {@code /login} keeps in
 * {@code .claude.json} ({@code primaryApiKey}), an {@code apiKeyHelper} in any settings file it
 * reads, and an Anthropic profile. Only reads; never writes to claude's config. Errs on the side
 * of "logged in": a false "not logged in" would stop a user who is, while a false "logged in"
 * only lets claude say "Not logged in · Please run /login" in the turn's result.
 */
final class Login {
    /** Where claude reads the settings an administrator imposes, on Linux. */
    static final Path MANAGED_SETTINGS = Path.of("/etc/claude-code/managed-settings.json");

    private static final List<String> TOKEN_VARIABLES = List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN",
            "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR",
            "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR", "ANTHROPIC_PROFILE");
    /** Providers with credentials of their own (AWS, Google Cloud, Azure, a gateway), which claude does not check up front. */
    private static final List<String> PROVIDER_SWITCHES = List.of("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX",
            "CLAUDE_CODE_USE_FOUNDRY", "CLAUDE_CODE_USE_ANTHROPIC_AWS", "CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD",
            "CLAUDE_CODE_USE_MANTLE", "CLAUDE_CODE_USE_GATEWAY");

    private final Path managedSettings;

    Login(Path managedSettings) {
        this.managedSettings = managedSettings;
    }

    /** What claude would log in with, in words for a log line, or empty if nothing. */
    Optional<String> source(Environment env, Path workdir) {
        for (String name : TOKEN_VARIABLES) {
            if (set(env.get(name))) {
                return Optional.of(name);
            }
        }
        for (String name : PROVIDER_SWITCHES) {
            if (truthy(env.get(name))) {
                return Optional.of(name);
            }
        }
        // Workload identity federation: both are needed.
        if (set(env.get("ANTHROPIC_FEDERATION_RULE_ID")) && set(env.get("ANTHROPIC_ORGANIZATION_ID"))) {
            return Optional.of("ANTHROPIC_FEDERATION_RULE_ID");
        }
        Path home = Path.of(set(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home"));
        String configDirVariable = env.get("CLAUDE_CONFIG_DIR");
        Path configDir = set(configDirVariable) ? Path.of(configDirVariable) : home.resolve(".claude");
        String secureVariable = env.get("CLAUDE_SECURESTORAGE_CONFIG_DIR");
        Path credentials = (set(secureVariable) ? Path.of(secureVariable) : configDir).resolve(".credentials.json");
        if (Files.isRegularFile(credentials)) {
            return Optional.of(credentials.toString());
        }
        Path globalConfig = (set(configDirVariable) ? configDir : home).resolve(".claude.json");
        if (set(stringField(globalConfig, "primaryApiKey"))) {
            return Optional.of(globalConfig + " (primaryApiKey)");
        }
        for (Path settings : List.of(configDir.resolve("settings.json"), workdir.resolve(".claude/settings.json"),
                workdir.resolve(".claude/settings.local.json"), managedSettings)) {
            if (set(stringField(settings, "apiKeyHelper"))) {
                return Optional.of(settings + " (apiKeyHelper)");
            }
        }
        String anthropicConfig = env.get("ANTHROPIC_CONFIG_DIR");
        Path profiles = (set(anthropicConfig) ? Path.of(anthropicConfig) : home.resolve(".config/anthropic"))
                .resolve("configs");
        if (hasJson(profiles)) {
            return Optional.of(profiles + " (Anthropic profile)");
        }
        return Optional.empty();
    }

    private static boolean set(String value) {
        return value != null && !value.isBlank();
    }

    /** As claude reads its switches. */
    private static boolean truthy(String value) {
        return value != null && List.of("1", "true", "yes", "on").contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /** A top-level string of a JSON file, or null if the file is absent, unreadable or not JSON, as claude ignores such files. */
    private static String stringField(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Map<String, Object> json = Json.parseObject(Files.readString(file));
            return json.get(name) instanceof String s ? s : null;
        } catch (IOException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    private static boolean hasJson(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
        } catch (IOException unreadable) {
            return false;
        }
    }
}
