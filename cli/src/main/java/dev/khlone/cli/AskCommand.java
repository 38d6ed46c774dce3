package dev.khlone.cli;

import dev.khlone.protocol.brain.TaskMode;
import picocli.CommandLine.Command;

@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Ask a clone a question: it may read the workspace but not change it.",
                "Prints the task and the clone it went to, and returns at once (--await waits).",
                "Starts the zone's daemon if none is running."})
final class AskCommand extends SubmitCommand {
    AskCommand(Host host) {
        super(host, TaskMode.ASK);
    }
}
