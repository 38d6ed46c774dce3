package dev.khlone.protocol.brain;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a brain's CLI is, by the same rules for every brain: the variable {@code variable}
 * (e.g. {@code KHLONE_CLAUDE_BIN}) if set, else {@code command} on the PATH of the brain's
 * environment; and, when it is not there, a message that names the npm package to install.
 */
public record Installation(String command, String title, String variable, String npmPackage, String version) {

    /**
     * The binary to run. When there is none, the bare command: the spawn then fails naming it,
     * and {@link #missing} says why.
     */
    public String binary(Environment env) {
        String override = env.get(variable);
        if (override != null && !override.isBlank()) {
            return override;
        }
        return env.which(command).map(Path::toString).orElse(command);
    }

    /**
     * What {@code <binary> --version} prints, first line, or empty when it cannot be run within
     * {@code timeout}: each of the three CLIs prints its version that way.
     */
    public Optional<String> versionOf(String binary, Environment env, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(binary, "--version").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env.vars());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !out.isEmpty() ? Optional.of(out.lines().findFirst().orElse(out)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** What is wrong when the binary is not there, or empty when it is. */
    public Optional<Preflight> missing(Environment env) {
        String override = env.get(variable);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                return Optional.of(Preflight.problem(variable + " is set to " + override + ", which "
                                + (Files.exists(path) ? "is not an executable file" : "does not exist"),
                        "point " + variable + " at the " + command + " binary, or unset it to use " + command
                                + " on the PATH"));
            }
            return Optional.empty();
        }
        if (env.which(command).isPresent()) {
            return Optional.empty();
        }
        String path = env.get("PATH");
        return Optional.of(Preflight.problem(title + " is not installed: no " + command + " on the PATH ("
                        + (path == null ? "PATH is not set" : path) + ")",
                "install it with `npm install -g " + npmPackage + "@" + version + "` (or set " + variable
                        + " to its binary), then run the command again: each command hands the daemon its PATH"));
    }
}
