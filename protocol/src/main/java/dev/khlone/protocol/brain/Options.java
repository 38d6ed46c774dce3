package dev.khlone.protocol.brain;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A clone's settings for its brain: where it works (the zone root), the model (null for the
 * brain's default), extra command-line arguments, and the environment its process gets;
 * {@code singleShot}: a fresh dispatch process per task, resuming the conversation, where the brain
 * can (khlone.yml {@code process: single-shot}); {@code budgetUsd}: the cap on the task a
 * process is started for, in dollars, null for none (a brain whose CLI caps spend passes it on).
 */
public record Options(Path workdir, String model, List<String> args, Environment environment, boolean singleShot,
                      Double budgetUsd) {
    public Options {
        args = List.copyOf(args);
    }

    public Options(Path workdir, String model, List<String> args, Environment environment) {
        this(workdir, model, args, environment, false, null);
    }

    /** These settings for a process of one task, or of every task: single-shot or not, and the task's cap. */
    public Options withTask(boolean singleShot, Double budgetUsd) {
        return new Options(workdir, model, args, environment, singleShot, budgetUsd);
    }

    public static Options defaults(Path workdir, Map<String, String> env) {
        return new Options(workdir, null, List.of(), new Environment(env));
    }
}
