package dev.khlone.cli;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.TaskInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Ask a clone a question: it may read the workspace but not change it.",
                "Prints the task and the clone it went to, and returns at once (--await waits).",
                "Starts the zone's daemon if none is running."})
final class AskCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SubmitOptions options;

    @Mixin
    ZoneOption zoneOption;

    @Override
    public Integer call() {
        return options.submit(TaskMode.ASK, zoneOption, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
