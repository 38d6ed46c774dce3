package dev.khlone.cli;

import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Zone;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "zones", mixinStandardHelpOptions = true,
        description = {"List every zone of yours: its root and branch, its daemon (pid, or stopped), and for a running",
                "daemon its clones, tasks running and queued, tokens and cost. Starts no daemon."})
final class ZonesCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object, for scripts.")
    boolean json;

    ZonesCommand(Host host) {
        this.host = host;
    }

    /** One zone as listed; the live figures are null for a zone whose daemon is not running. */
    record Row(Zone zone, boolean exists, String branch, Long pid, List<CloneInfo> clones) {
        long running() {
            return clones.stream().filter(c -> c.task() != null).count();
        }

        long queued() {
            return clones.stream().mapToLong(c -> c.queue().size()).sum();
        }

        long tokens() {
            return clones.stream().mapToLong(c -> c.inputTokens() + c.outputTokens()).sum();
        }

        Double cost() {
            Double sum = null;
            for (CloneInfo c : clones) {
                sum = TaskInfo.plus(sum, c.costUsd());
            }
            return sum;
        }
    }

    @Override
    public Integer call() {
        List<Row> rows = new ArrayList<>();
        for (Zone zone : Zones.recorded(host.locations())) {
            rows.add(row(zone));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Render.json(out, g -> {
                g.writeArrayFieldStart("zones");
                for (Row r : rows) {
                    g.writeStartObject();
                    g.writeStringField("id", r.zone().id());
                    g.writeStringField("root", r.zone().root().toString());
                    g.writeBooleanField("exists", r.exists());
                    g.writeStringField("branch", r.branch());
                    if (r.pid() == null) {
                        g.writeNullField("pid");
                    } else {
                        g.writeNumberField("pid", r.pid());
                        g.writeNumberField("clones", r.clones().size());
                        g.writeNumberField("running", r.running());
                        g.writeNumberField("queued", r.queued());
                        g.writeNumberField("tokens", r.tokens());
                        g.writeNumberField("costUsd", Render.dollars(r.cost()));
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            return ExitCode.OK;
        }
        if (rows.isEmpty()) {
            out.println("no zones yet: khlone act \"...\" in a directory makes it one");
            return ExitCode.OK;
        }
        Paint paint = host.paint();
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"ZONE", "ROOT", "BRANCH", "DAEMON", "CLONES", "RUNNING", "QUEUED", "TOKENS", "COST"});
        for (Row r : rows) {
            boolean up = r.pid() != null;
            table.add(new String[] {paint.bold(r.zone().id()), r.zone().root() + (r.exists() ? "" : " (gone)"),
                    r.branch() == null ? "-" : r.branch(), up ? paint.green("pid " + r.pid()) : paint.dim("stopped"),
                    up ? Integer.toString(r.clones().size()) : "-", up ? Long.toString(r.running()) : "-",
                    up ? Long.toString(r.queued()) : "-", up ? Render.tokens(r.tokens()) : "-", up ? Render.cost(r.cost()) : "-"});
        }
        Render.columns(table, false, false, false, false, true, true, true, true, true).forEach(out::println);
        return ExitCode.OK;
    }

    private Row row(Zone zone) {
        boolean exists = Files.isDirectory(zone.root());
        String branch = null;
        if (exists) {
            Worktrees.Result head = Worktrees.run(zone.root(), "git", "-C", zone.root().toString(), "branch", "--show-current");
            branch = head.exitCode() == 0 && !head.output().isBlank() ? head.output().strip() : null;
        }
        if (new DaemonConnector(zone, host).find() instanceof DaemonConnector.Answering answering) {
            try (Connection c = answering.connection()) {
                Reply.ZoneStatus status = c.call(new Request.Status(c.id(), null), Reply.ZoneStatus.class);
                return new Row(zone, exists, branch, status.pid(), status.clones());
            } catch (KhloneException e) {
                // a daemon that went away between find and status: stopped, as far as this listing goes
            }
        }
        return new Row(zone, exists, branch, null, List.of());
    }
}
