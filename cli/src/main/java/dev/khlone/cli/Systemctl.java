package dev.khlone.cli;

import dev.khlone.protocol.brain.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code systemctl --user}, found on the command's PATH, when a user manager answers it. */
final class Systemctl {
    private final Path program;
    private final Host host;

    private Systemctl(Path program, Host host) {
        this.program = program;
        this.host = host;
    }

    /** The user's systemd, or why there is none: no systemctl on the PATH, or no user manager to talk to. */
    static Systemctl find(Host host, String unavailableHint) {
        Optional<Path> found = new Environment(host.env()).which("systemctl");
        if (found.isEmpty()) {
            throw new KhloneException(ExitCode.FAILED, "systemd is not available here: no systemctl on the PATH", unavailableHint);
        }
        Systemctl systemctl = new Systemctl(found.get(), host);
        Outcome probe = systemctl.call("show-environment");
        if (probe.code() != 0) {
            throw new KhloneException(ExitCode.FAILED, "systemd is not available here: 'systemctl --user' cannot reach a user"
                    + " manager (" + probe.said() + ")", unavailableHint);
        }
        return systemctl;
    }

    /** Runs {@code systemctl --user ARGS}; a failure is the command's failure, with what systemctl said. */
    void run(String... args) {
        Outcome outcome = call(args);
        if (outcome.code() != 0) {
            throw new KhloneException(ExitCode.FAILED, "systemctl --user " + String.join(" ", args) + " failed: " + outcome.said(),
                    "systemctl --user status and journalctl --user say more");
        }
    }

    /** Whether {@code systemctl --user ARGS} says yes (exit 0), e.g. {@code is-active UNIT}. */
    boolean says(String... args) {
        return call(args).code() == 0;
    }

    private record Outcome(int code, String said) {}

    private Outcome call(String... args) {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "--user"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(host.env());
        try {
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            return new Outcome(code, output.isEmpty() ? "exit " + code : output.lines().reduce((a, b) -> b).orElse(""));
        } catch (IOException e) {
            return new Outcome(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KhloneException(ExitCode.FAILED, "interrupted", null);
        }
    }
}
