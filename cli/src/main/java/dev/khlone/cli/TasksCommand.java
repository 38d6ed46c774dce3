package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = {"List the zone's tasks, newest first.",
                "Every queued and running task, and the newest that ended: id, clone, state, age and",
                "the prompt's first line. 'khlone status --task ID' shows one in full."})
final class TasksCommand implements Callable<Integer> {
    /** How much of a prompt's first line a row shows. */
    private static final int PROMPT = 60;

    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--who", paramLabel = "WHO", converter = Clones.WhoConverter.class,
            description = "Only the tasks of the clones WHO names: [role][.n][@brain], e.g. mechanic, mechanic.2, @codex.")
    Who who;

    @Parameters(arity = "0..1", paramLabel = "CLONE", converter = Clones.WhoConverter.class, description = "The same as --who.")
    Who clone;

    @Option(names = {"-n", "--ended"}, paramLabel = "N", defaultValue = "10",
            description = "How many ended tasks to list besides the queued and running ones (default: ${DEFAULT-VALUE}).")
    int ended;

    @Option(names = "--all", description = "Every task the zone has, ended ones included.")
    boolean all;

    @Option(names = "--json", description = "Print one JSON object, for scripts.")
    boolean json;

    TasksCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        who = Clones.either(clone, who, "tasks");
        if (ended < 0) {
            throw new KhloneException(ExitCode.USAGE, "-n " + ended + ": a count cannot be negative", "e.g. khlone tasks -n 20");
        }
        if (who != null && who.enroll()) {
            throw new KhloneException(ExitCode.USAGE, "--who " + who + ": '++' enrolls a clone, tasks only lists",
                    "leave out the '++'");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<TaskInfo> tasks;
        try (Connection c = zoneOption.connect()) {
            tasks = c.call(new Request.Tasks(c.id(), Clones.wire(who), all ? Integer.MAX_VALUE : ended),
                    Reply.TaskList.class).tasks();
        }
        if (json) {
            Render.json(out, g -> {
                g.writeArrayFieldStart("tasks");
                for (TaskInfo t : tasks) {
                    g.writeStartObject();
                    StatusCommand.writeTask(g, t);
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            return ExitCode.OK;
        }
        if (tasks.isEmpty()) {
            out.println(who == null ? "no tasks yet — khlone act \"...\" gives the hero one" : "no task of --who " + who);
            return ExitCode.OK;
        }
        Paint paint = host.paint();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TASK", "CLONE", "STATE", "AGE", "PROMPT"});
        for (TaskInfo t : tasks) {
            rows.add(new String[] {t.id(), paint.bold(t.cloneSlug()), paint.status(t.status()),
                    Render.duration(Math.max(0, host.nowMs() - t.createdMs())),
                    (t.trigger() == null ? "" : "[" + t.trigger() + "] ") + firstLine(t.prompt())});
        }
        Render.columns(rows).forEach(out::println);
        return ExitCode.OK;
    }

    /** The prompt's first line, without control characters, cut to {@link #PROMPT} characters. */
    static String firstLine(String prompt) {
        String line = Render.printable(prompt).strip().lines().findFirst().orElse("");
        boolean more = line.length() > PROMPT || Render.printable(prompt).strip().contains("\n");
        return (line.length() > PROMPT ? line.substring(0, PROMPT - 1) : line) + (more ? "…" : "");
    }
}
