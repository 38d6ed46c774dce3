package dev.khlone.cli;

import dev.khlone.protocol.brain.TaskMode;
import picocli.CommandLine.Command;

@Command(name = "act", mixinStandardHelpOptions = true,
        description = {"Give a clone a task that may change the workspace.",
                "The clone may edit and write files and run commands.",
                "Prints the task and the clone it went to, and returns at once (--await waits).",
                "Starts the zone's daemon if none is running."})
final class ActCommand extends SubmitCommand {
    ActCommand(Host host) {
        super(host, TaskMode.ACT);
    }
}
