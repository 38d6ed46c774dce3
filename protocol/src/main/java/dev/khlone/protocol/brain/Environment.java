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
