package dev.khlone.protocol.brain;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A clone's settings for its brain: where it works (the zone root), the model (null for the
 * brain's default), extra command-line arguments, and the environment its process gets.
 */
public record Options(Path workdir, String model, List<String> args, Environment environment) {
    public Options {
        args = List.copyOf(args);
    }

    public static Options defaults(Path workdir, Map<String, String> env) {
        return new Options(workdir, null, List.of(), new Environment(env));
    }
}
