package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TriggerInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "triggers", mixinStandardHelpOptions = true,
        description = {"List the zone's triggers: the work khlone.yml's triggers: start on their own.",
                "Each with its kind (cron or watch), its next and last firing, the last task it",
                "started and that task's status, and how many firings were skipped because its",
                "previous task had not ended. A bad entry is listed with what is wrong with it;",
                "the others run."},
        footerHeading = "%nExamples:%n",
        footer = {"  khlone triggers                  what runs when",
                "  khlone triggers run nightly      fire one now"},
        subcommands = TriggersRunCommand.class)
final class TriggersCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--json", description = "Print one JSON object, for scripts.")
    boolean json;

    TriggersCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<TriggerInfo> triggers;
        try (Connection c = zoneOption.connect()) {
            triggers = c.call(new Request.Triggers(c.id()), Reply.TriggerList.class).triggers();
        }
        if (json) {
            Render.json(out, g -> {
                g.writeArrayFieldStart("triggers");
                for (TriggerInfo t : triggers) {
                    g.writeStartObject();
                    g.writeStringField("name", t.name());
                    g.writeStringField("kind", t.kind());
                    g.writeStringField("spec", t.spec());
                    g.writeNumberField("nextMs", t.nextMs());
                    g.writeNumberField("lastMs", t.lastMs());
                    g.writeStringField("lastTask", t.lastTask());
                    g.writeStringField("lastStatus", t.lastStatus());
                    g.writeNumberField("skipped", t.skipped());
                    g.writeStringField("error", t.error());
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            return ExitCode.OK;
        }
        if (triggers.isEmpty()) {
            out.println("no triggers — khlone.yml's triggers: lists them (see khlone triggers --help)");
            return ExitCode.OK;
        }
        Paint paint = host.paint();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TRIGGER", "KIND", "NEXT", "LAST", "TASK", "STATUS", "SKIPPED", "WHEN"});
        List<String> errors = new ArrayList<>();
        for (TriggerInfo t : triggers) {
            if (t.kind() == null) {
                rows.add(new String[] {paint.bold(t.name()), "-", "-", "-", "-", paint.red("invalid"), "-", "-"});
            } else {
                rows.add(new String[] {paint.bold(t.name()), t.kind(), t.nextMs() == 0 ? "-" : Render.time(t.nextMs(), host.timeZone()),
                        Render.time(t.lastMs(), host.timeZone()), t.lastTask() == null ? "-" : t.lastTask(),
                        t.lastStatus() == null ? "-" : Render.printable(t.lastStatus()), Long.toString(t.skipped()),
                        Render.printable(t.spec())});
            }
            if (t.error() != null && !errors.contains(t.error())) {
                errors.add(t.error());
            }
        }
        Render.columns(rows).forEach(out::println);
        errors.forEach(e -> out.println(paint.red("error") + ": " + Render.printable(e)));
        return ExitCode.OK;
    }
}
