package dev.khlone.brain.codex;

import dev.khlone.protocol.brain.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether codex has something to log in with, by the sources codex 0.169.0 reads (its
 * {@code codex-login} crate, not guessed): the keys {@code OPENAI_API_KEY}, {@code CODEX_API_KEY}
 * and {@code CODEX_ACCESS_TOKEN} in the environment; {@code $CODEX_HOME/auth.json}, which
 * {@code codex login} writes; credentials kept in the system keyring
 * ({@code cli_auth_credentials_store = "keyring"} or {@code "auto"}), which cannot be looked into
 * and so count; and a {@code model_provider} of {@code config.toml} that brings its own: its
 * {@code env_key} variable set, an {@code experimental_bearer_token}, or a local provider
 * ({@code oss}, {@code ollama}, {@code lmstudio}, or one that neither names a key nor asks for
 * OpenAI's login). Only reads. Errs on the side of "logged in", as claude's does: a false "not
 * logged in" stops a user who is, a false "logged in" only lets codex say so in the turn.
 */
final class Login {
    private static final List<String> VARIABLES = List.of("OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN");
    /** codex's built-in providers that run on this machine and need no key. */
    private static final List<String> LOCAL_PROVIDERS = List.of("oss", "ollama", "lmstudio");

    /** What codex would log in with, in words for a log line, or empty if nothing. */
    Optional<String> source(Environment env) {
        for (String name : VARIABLES) {
            if (set(env.get(name))) {
                return Optional.of(name);
            }
        }
        Path codexHome = codexHome(env);
        if (Files.isRegularFile(codexHome.resolve("auth.json"))) {
            return Optional.of(codexHome.resolve("auth.json").toString());
        }
        Path configFile = codexHome.resolve("config.toml");
        Map<String, Map<String, String>> config = readToml(configFile);
        Map<String, String> top = config.getOrDefault("", Map.of());
        String store = top.get("cli_auth_credentials_store");
        if ("keyring".equals(store) || "auto".equals(store)) {
            return Optional.of(configFile + " (credentials in the keyring)");
        }
        String provider = top.get("model_provider");
        if (provider == null || provider.equals("openai")) {
            return Optional.empty();
        }
        if (LOCAL_PROVIDERS.contains(provider)) {
            return Optional.of(configFile + " (local provider " + provider + ")");
        }
        Map<String, String> settings = config.get("model_providers." + provider);
        if (settings == null) {
            return Optional.empty(); // codex refuses an unknown provider, and says so
        }
        String envKey = settings.get("env_key");
        if (envKey != null) {
            return set(env.get(envKey)) ? Optional.of(envKey + " (provider " + provider + ")") : Optional.empty();
        }
        if (set(settings.get("experimental_bearer_token"))) {
            return Optional.of(configFile + " (bearer token of provider " + provider + ")");
        }
        return "true".equals(settings.get("requires_openai_auth"))
                ? Optional.empty()
                : Optional.of(configFile + " (provider " + provider + " needs no key)");
    }

    /** {@code $CODEX_HOME}, else {@code ~/.codex}, as codex finds it. */
    static Path codexHome(Environment env) {
        String codexHome = env.get("CODEX_HOME");
        if (set(codexHome)) {
            return Path.of(codexHome);
        }
        String home = env.get("HOME");
        return Path.of(set(home) ? home : System.getProperty("user.home"), ".codex");
    }

    /**
     * The string and boolean values of a TOML file by table ({@code ""} for the top level, else
     * the dotted header with quotes taken off), enough for the few keys read here; anything else
     * (arrays, inline tables, multi-line strings) is skipped. Empty if the file is absent or
     * unreadable.
     */
    static Map<String, Map<String, String>> readToml(Path file) {
        Map<String, Map<String, String>> tables = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException absent) {
            return tables;
        }
        String table = "";
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[") && !line.startsWith("[[") && line.endsWith("]")) {
                table = line.substring(1, line.length() - 1).strip().replace("\"", "").replace("'", "");
                continue;
            }
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).strip().replace("\"", "");
            String value = value(line.substring(eq + 1).strip());
            if (value != null) {
                tables.computeIfAbsent(table, t -> new HashMap<>()).put(key, value);
            }
        }
        return tables;
    }

    /** A one-line basic or literal string, or a boolean, with any comment after it dropped; else null. */
    private static String value(String text) {
        if (text.startsWith("\"") && !text.startsWith("\"\"\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && i + 1 < text.length()) {
                    c = text.charAt(++i);
                }
                out.append(c);
            }
            return null;
        }
        if (text.startsWith("'") && !text.startsWith("'''")) {
            int end = text.indexOf('\'', 1);
            return end < 0 ? null : text.substring(1, end);
        }
        String bare = text.split("#", 2)[0].strip();
        return bare.equals("true") || bare.equals("false") ? bare : null;
    }

    private static boolean set(String value) {
        return value != null && !value.isBlank();
    }
}
