package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a queued or running task.",
                "A running task's turn is interrupted; what it already changed in the workspace stays."})
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Parameters(index = "0", paramLabel = "TASK", description = "The task's id, as act, ask and status print it (e.g. t-3f9a).")
    String task;

    @Override
    public Integer call() {
        if (task.isBlank()) {
            throw new KhloneException(ExitCode.USAGE, "the task id is empty", "khlone tasks lists them");
        }
        try (Connection c = zoneOption.connect()) {
            TaskInfo t = c.call(new Request.Cancel(c.id(), task), Reply.TaskReport.class).task();
            spec.commandLine().getOut().printf("cancelled %s (was %s)%n", t.id(), was(t));
        }
        return ExitCode.OK;
    }

    /**
     * What the task was doing when it was cancelled. The reply carries the cancelled task; a task
     * that has never started was queued. A task interrupted earlier and queued again also has a
     * start time, and reads as running: the reply does not say more (see the report of cli-crew).
     */
    private static String was(TaskInfo t) {
        switch (t.status()) {
            case QUEUED:
                return "queued";
            case ACTIVE:
                return "running";
            default:
                return t.startedMs() == 0 ? "queued" : "running";
        }
    }
}
