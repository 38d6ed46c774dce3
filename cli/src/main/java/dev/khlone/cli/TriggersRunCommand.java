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

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Fire a trigger now, even while its previous task runs.",
                "Its task is queued as its schedule would queue it. Prints the task, like act."})
final class TriggersRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Parameters(index = "0", paramLabel = "NAME", description = "The trigger's name in khlone.yml, as khlone triggers lists it.")
    String name;

    @Override
    public Integer call() {
        if (name.isBlank()) {
            throw new KhloneException(ExitCode.USAGE, "the trigger's name is empty", "khlone triggers lists them");
        }
        try (Connection c = zoneOption.connect()) {
            TaskInfo t = c.call(new Request.TriggerRun(c.id(), name), Reply.Accepted.class).task();
            spec.commandLine().getOut().println("✓ " + t.id() + " → " + t.cloneSlug() + "  (trigger " + t.trigger() + ")");
        }
        return ExitCode.OK;
    }
}
