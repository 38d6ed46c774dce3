package dev.khlone.testkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the installed launcher passes to its JVM, so a hello-world runs on the same terms. */
final class Launcher {
    private Launcher() {
    }

    /**
     * The literal {@code -X} flags of the launcher's {@code exec "$java" ...} line (and its
     * continuation lines) up to {@code -jar}; flags held in shell variables (an archive of
     * khlone's own classes) are left out: a hello-world has no use for them.
     */
    static List<String> flags(Path launcher) throws IOException {
        List<String> flags = new ArrayList<>();
        boolean inExec = false;
        for (String line : Files.readAllLines(launcher.toRealPath())) {
            String t = line.strip();
            if (t.startsWith("exec ")) {
                inExec = true;
            }
            if (!inExec) {
                continue;
            }
            for (String word : t.split("\\s+")) {
                if (word.equals("-jar")) {
                    return flags;
                }
                if (word.startsWith("-X") && !word.contains("$")) {
                    flags.add(word);
                }
            }
        }
        return flags;
    }
}
