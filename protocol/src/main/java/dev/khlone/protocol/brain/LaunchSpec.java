package dev.khlone.protocol.brain;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start a brain's process: the command, its whole environment and working directory, and,
 * for dispatch, whether one process takes many prompts on stdin ({@code persistent}: claude's
 * stream-json, opencode's ACP) or one process runs per prompt, which it reads from stdin until
 * it is closed (codex exec).
 */
public record LaunchSpec(List<String> argv, Map<String, String> env, Path cwd, boolean persistent) {
    public LaunchSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a launch has a command");
        }
    }
}
