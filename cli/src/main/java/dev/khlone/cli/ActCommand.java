package dev.khlone.cli;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.TaskInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "act", mixinStandardHelpOptions = true,
        description = {"Give a clone a task that may change the workspace.",
                "The clone may edit and write files and run commands.",
                "Prints the task and the clone it went to, and returns at once (--await waits).",
                "Starts the zone's daemon if none is running."})
final class ActCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SubmitOptions options;

    @Mixin
    ZoneOption zoneOption;

    @Override
    public Integer call() {
        return options.submit(TaskMode.ACT, zoneOption, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
