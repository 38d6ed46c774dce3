package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the zone, its daemon and its crew, or one task.",
                "One line per clone: its brain, state, running task, queue, tokens and cost.",
                "Starts the zone's daemon if none is running."})
final class StatusCommand implements Callable<Integer> {
    private static final int LABEL = 10;

    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--json", description = "Print one JSON object, for scripts.")
    boolean json;

    @Option(names = "--who", paramLabel = "WHO", converter = Clones.WhoConverter.class,
            description = "Only the clones WHO names: [role][.n][@brain], e.g. mechanic, mechanic.2, @codex.")
    Who who;

    @Parameters(arity = "0..1", paramLabel = "CLONE", converter = Clones.WhoConverter.class, description = "The same as --who.")
    Who clone;

    @Option(names = "--task", paramLabel = "ID", description = "Show one task: its prompt, status, result, tokens, cost and times.")
    String task;

    StatusCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut());
    }

    /** Runs the parsed command, printing to {@code out}: picocli's way in and {@link Shortcut}'s. */
    int run(PrintWriter out) {
        who = Clones.either(clone, who, "status");
        if (task != null && who != null) {
            throw new KhloneException(ExitCode.USAGE, "--task and --who do not go together",
                    "a task belongs to one clone: khlone status --task " + task);
        }
        if (who != null && who.enroll()) {
            throw new KhloneException(ExitCode.USAGE, "--who " + who + ": '++' enrolls a clone, status only shows them",
                    "leave out the '++'");
        }
        if (task != null && task.isBlank()) {
            throw new KhloneException(ExitCode.USAGE, "--task needs a task id", "e.g. khlone status --task t-3f9a");
        }
        DaemonConnector connector = zoneOption.daemon();
        Zone zone = connector.zone();
        Locations locations = connector.locations();
        try (Connection c = connector.connectOrStart().connection()) {
            if (task != null) {
                TaskInfo t = c.call(new Request.Task(c.id(), task), Reply.TaskReport.class).task();
                if (json) {
                    Render.json(out, g -> writeTask(g, t));
                } else {
                    printTask(t, out);
                }
                return ExitCode.OK;
            }
            Reply.ZoneStatus status = c.call(new Request.Status(c.id(), Clones.wire(who)), Reply.ZoneStatus.class);
            if (json) {
                printJson(status, c.socket(), zone, locations, out);
            } else {
                // println, not printf: a Formatter loads locale data, a few ms of every status.
                out.println("zone    " + status.zone() + "  " + status.root());
                out.println("daemon  pid " + status.pid() + ", up " + Render.duration(status.uptimeMs()) + ", khlone "
                        + status.version());
                out.println("socket  " + c.socket() + (c.socket().equals(locations.socket(zone)) ? ""
                        : connector.stranger().map(why -> " (moved: " + why + ")").orElse("")));
                out.println("state   " + locations.zoneDir(zone));
                printCrew(status, out);
            }
        }
        return ExitCode.OK;
    }

    private void printCrew(Reply.ZoneStatus status, PrintWriter out) {
        List<CloneInfo> clones = status.clones();
        if (clones.isEmpty()) {
            out.println(who == null ? "crew    no clones yet — khlone act \"...\" enrolls the hero"
                    : "crew    no clone matches --who " + who);
            return;
        }
        long active = clones.stream().filter(c -> c.state() == CloneInfo.State.ACTIVE).count();
        long queued = clones.stream().mapToLong(c -> c.queue().size()).sum();
        out.println("crew    " + clones.size() + (clones.size() == 1 ? " clone, " : " clones, ") + active + " active, "
                + queued + " queued");
        Paint paint = host.paint();
        List<String[]> rows = new ArrayList<>();
        for (CloneInfo c : clones) {
            String running = c.task() == null ? "-"
                    : c.taskStartedMs() == 0 ? c.task()
                    : c.task() + " " + Render.duration(Math.max(0, host.nowMs() - c.taskStartedMs()));
            rows.add(new String[] {(c.slug().equals(status.hero()) ? paint.yellow("★") + " " : "  ") + paint.bold(c.slug()),
                    CloneInfo.SINGLE_SHOT.equals(c.process()) ? c.brain() + " " + CloneInfo.SINGLE_SHOT : c.brain(),
                    paint.state(c.state()), running, c.queue().size() + " queued",
                    Render.tokens(c.inputTokens() + c.outputTokens()) + " tokens", Render.cost(c.costUsd()),
                    c.failure() == null ? "" : paint.red("— " + Render.printable(c.failure()))});
        }
        List<String> lines = Render.columns(rows, false, false, false, false, true, true, true);
        for (int i = 0; i < lines.size(); i++) {
            out.println((i == lines.size() - 1 ? "└─ " : "├─ ") + lines.get(i));
        }
    }

    private void printTask(TaskInfo t, PrintWriter out) {
        out.println(Render.field("task", t.id(), LABEL));
        out.println(Render.field("clone", t.cloneSlug(), LABEL));
        out.println(Render.field("mode", t.mode().wire(), LABEL));
        out.println(Render.field("status", t.status().wire(), LABEL));
        out.println(Render.field("attempts", Integer.toString(t.attempts()), LABEL));
        out.println(Render.field("prompt", Render.printable(t.prompt()), LABEL));
        if (t.trigger() != null) {
            out.println(Render.field("trigger", t.trigger() + " (khlone.yml)", LABEL));
        }
        if (t.result() != null) {
            out.println(Render.field("result", Render.printable(t.result()), LABEL));
        }
        if (t.error() != null) {
            out.println(Render.field("error", Render.printable(t.error()), LABEL));
        }
        if (!t.interruptions().isEmpty()) {
            out.println(Render.field("cut short", String.join("; ", t.interruptions()), LABEL));
        }
        out.println(Render.field("tokens", Render.count(t.inputTokens()) + " in, " + Render.count(t.outputTokens())
                + " out, " + Render.count(t.cacheReadTokens()) + " cache read, " + Render.count(t.cacheWriteTokens())
                + " cache write", LABEL));
        String budget = t.budgetUsd() == null ? ""
                : t.costUsd() == null && t.status() == TaskInfo.Status.DONE
                ? " (its brain reported no cost, as codex never does: its " + Render.cost(t.budgetUsd()) + " budget bound nothing)"
                : " of a " + Render.cost(t.budgetUsd()) + " budget";
        out.println(Render.field("cost", Render.cost(t.costUsd()) + budget, LABEL));
        String duration = t.status() == TaskInfo.Status.ACTIVE && t.startedMs() != 0
                ? "running for " + Render.duration(Math.max(0, host.nowMs() - t.startedMs()))
                : t.status() == TaskInfo.Status.QUEUED && t.attempts() == 0 ? "-"
                : Render.duration(t.durationMs()) + " in the brain";
        out.println(Render.field("duration", duration, LABEL));
        out.println(Render.field("created", Render.time(t.createdMs(), host.timeZone()), LABEL));
        out.println(Render.field("started", Render.time(t.startedMs(), host.timeZone()), LABEL));
        out.println(Render.field("ended", Render.time(t.endedMs(), host.timeZone()), LABEL));
    }

    /** A clone's fields under their wire names, absent ones as null: scripts get the same keys every time. */
    private static void writeClone(JsonGenerator g, CloneInfo c) throws IOException {
        g.writeStringField("slug", c.slug());
        g.writeStringField("brain", c.brain());
        g.writeStringField("state", c.state().wire());
        g.writeStringField("task", c.task());
        g.writeNumberField("taskStartedMs", c.taskStartedMs());
        g.writeArrayFieldStart("queue");
        for (String queued : c.queue()) {
            g.writeString(queued);
        }
        g.writeEndArray();
        g.writeNumberField("inputTokens", c.inputTokens());
        g.writeNumberField("outputTokens", c.outputTokens());
        g.writeNumberField("costUsd", Render.dollars(c.costUsd()));
        g.writeStringField("series", c.series());
        g.writeNumberField("pid", c.pid());
        g.writeStringField("failure", c.failure());
        g.writeStringField("process", c.process());
    }

    /** A task's fields under their wire names, absent ones as null. */
    static void writeTask(JsonGenerator g, TaskInfo t) throws IOException {
        g.writeStringField("id", t.id());
        g.writeStringField("clone", t.cloneSlug());
        g.writeStringField("mode", t.mode().wire());
        g.writeStringField("prompt", t.prompt());
        g.writeStringField("status", t.status().wire());
        g.writeStringField("trigger", t.trigger());
        g.writeNumberField("attempts", t.attempts());
        g.writeNumberField("createdMs", t.createdMs());
        g.writeNumberField("startedMs", t.startedMs());
        g.writeNumberField("endedMs", t.endedMs());
        g.writeStringField("result", t.result());
        g.writeStringField("error", t.error());
        g.writeNumberField("inputTokens", t.inputTokens());
        g.writeNumberField("outputTokens", t.outputTokens());
        g.writeNumberField("cacheReadTokens", t.cacheReadTokens());
        g.writeNumberField("cacheWriteTokens", t.cacheWriteTokens());
        g.writeNumberField("costUsd", Render.dollars(t.costUsd()));
        g.writeNumberField("budgetUsd", Render.dollars(t.budgetUsd()));
        g.writeNumberField("durationMs", t.durationMs());
        g.writeArrayFieldStart("interruptions");
        for (String why : t.interruptions()) {
            g.writeString(why);
        }
        g.writeEndArray();
    }

    private static void printJson(Reply.ZoneStatus status, Path socket, Zone zone, Locations locations, PrintWriter out) {
        Render.json(out, g -> {
            g.writeObjectFieldStart("zone");
            g.writeStringField("id", status.zone());
            g.writeStringField("root", status.root());
            g.writeEndObject();
            g.writeObjectFieldStart("daemon");
            g.writeNumberField("pid", status.pid());
            g.writeNumberField("uptimeMs", status.uptimeMs());
            g.writeStringField("version", status.version());
            g.writeStringField("socket", socket.toString());
            g.writeStringField("log", locations.daemonLog(zone).toString());
            g.writeEndObject();
            g.writeStringField("state", locations.zoneDir(zone).toString());
            g.writeStringField("hero", status.hero());
            g.writeArrayFieldStart("clones");
            for (CloneInfo c : status.clones()) {
                g.writeStartObject();
                writeClone(g, c);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }
}
