package dev.khlone.protocol.brain;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The environment a brain's process gets, and where that finds its programs. */
public record Environment(Map<String, String> vars) {
    public Environment {
        vars = Map.copyOf(vars);
    }

    /**
     * Whether a command hands {@code name} to the brains started for it, as tmux's
     * update-environment hands a list to a session: PATH (a brain installed since the daemon
     * started is found), the proxies, the variables of the brains' own CLIs and providers, and
     * khlone's {@code KHLONE_<BRAIN>_BIN}.
     */
    public static boolean forBrains(String name) {
        return name.equals("PATH") || PROXIES.contains(name) || BRAIN_PREFIXES.stream().anyMatch(name::startsWith)
                || name.startsWith("KHLONE_") && name.endsWith("_BIN");
    }

    private static final java.util.Set<String> PROXIES = java.util.Set.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
            "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy");
    private static final java.util.List<String> BRAIN_PREFIXES = java.util.List.of("ANTHROPIC_", "CLAUDE_", "OPENAI_",
            "CODEX_", "OPENCODE_");

    /** The variables of {@code env} that a command hands the brains ({@link #forBrains(String)}). */
    public static Map<String, String> forBrains(Map<String, String> env) {
        Map<String, String> chosen = new java.util.HashMap<>();
        env.forEach((name, value) -> {
            if (forBrains(name)) {
                chosen.put(name, value);
            }
        });
        return chosen;
    }

    /**
     * {@code base} as a command's environment updates it: each variable a command hands the brains
     * comes from {@code command}, set or unset there (an API key unset in the shell is unset for
     * the brain too); the rest stays as it was.
     */
    public static Map<String, String> updated(Map<String, String> base, Map<String, String> command) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.keySet().removeIf(Environment::forBrains);
        env.putAll(forBrains(command));
        return env;
    }

    public String get(String name) {
        return vars.get(name);
    }

    /** The program {@code name} as this environment's PATH finds it. */
    public Optional<Path> which(String name) {
        String path = vars.get("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
