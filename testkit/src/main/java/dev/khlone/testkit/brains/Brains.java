package dev.khlone.testkit.brains;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where the pinned brain CLIs that {@code scripts/install-brains} installs are. */
public final class Brains {
    static final String INSTALLER = "scripts/install-brains";

    private Brains() {}

    /**
     * The {@code claude} binary: {@code $KHLONE_CLAUDE_BIN} if set, else
     * {@code <repo>/.brains/node_modules/.bin/claude}.
     *
     * @throws IllegalStateException if it is not there, saying how to install it
     */
    public static Path claude() {
        return locate("claude", System.getenv(), Path.of("").toAbsolutePath());
    }

    /**
     * The {@code codex} binary: {@code $KHLONE_CODEX_BIN} if set, else
     * {@code <repo>/.brains/node_modules/.bin/codex}.
     *
     * @throws IllegalStateException if it is not there, saying how to install it
     */
    public static Path codex() {
        return locate("codex", System.getenv(), Path.of("").toAbsolutePath());
    }

    /**
     * The {@code opencode} binary: {@code $KHLONE_OPENCODE_BIN} if set, else
     * {@code <repo>/.brains/node_modules/.bin/opencode}.
     *
     * @throws IllegalStateException if it is not there, saying how to install it
     */
    public static Path opencode() {
        return locate("opencode", System.getenv(), Path.of("").toAbsolutePath());
    }

    static Path locate(String name, Map<String, String> env, Path workingDir) {
        String variable = "KHLONE_" + name.toUpperCase(Locale.ROOT) + "_BIN";
        String override = env.get(variable);
        Path binary;
        if (override != null && !override.isEmpty()) {
            binary = Path.of(override);
        } else {
            Path root = repoRoot(workingDir);
            binary = root.resolve(".brains/node_modules/.bin").resolve(name);
        }
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(name + " not found at " + binary + "; run " + INSTALLER
                    + " (or set " + variable + " to the binary)");
        }
        return binary;
    }

    /** The nearest directory at or above {@code from} that holds {@code scripts/install-brains}. */
    static Path repoRoot(Path from) {
        for (Path dir = from.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(INSTALLER))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + INSTALLER + " in " + from + " or above; run the tests inside the "
                + "khlone repository, or set KHLONE_<BRAIN>_BIN");
    }
}
