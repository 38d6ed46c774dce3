package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {"Wait until tasks end: the ones named, or (--all) every task queued or running now.",
                "Prints each as it ends; exits 0 when all are done, 1 when any failed or was cancelled.",
                "ctrl-c stops the waiting, not the tasks."})
final class WaitCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Parameters(arity = "0..*", paramLabel = "TASK", description = "The tasks' ids, as act, ask and tasks print them.")
    List<String> tasks = List.of();

    @Option(names = "--all", description = "Every task queued or running now.")
    boolean all;

    WaitCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        if (all == !tasks.isEmpty()) {
            throw new KhloneException(ExitCode.USAGE, all ? "--all waits for every task: name none besides"
                    : "wait for which tasks?", "khlone wait t-3f9a t-77ab, or khlone wait --all; khlone tasks lists them");
        }
        PrintWriter out = spec.commandLine().getOut();
        Paint paint = host.paint();
        try (Connection c = zoneOption.connect()) {
            List<String> ids = all ? c.call(new Request.Tasks(c.id(), null, 0), Reply.TaskList.class).tasks().stream()
                    .map(TaskInfo::id).toList() : tasks;
            if (ids.isEmpty()) {
                out.println("nothing to wait for: no task is queued or running");
                return ExitCode.OK;
            }
            Map<String, String> waiting = new LinkedHashMap<>(); // request id -> task id
            for (String id : ids) {
                String request = c.id();
                waiting.put(request, id);
                c.send(new Request.Await(request, id));
            }
            int unfinished = 0;
            while (!waiting.isEmpty()) {
                Reply r = c.next(); // an unknown task, or one whose clone failed, is the daemon's error: exit 1
                if (r == null) {
                    throw new KhloneException(ExitCode.UNREACHABLE, "the zone daemon went away while " + waiting.size()
                            + " of the tasks still ran", "khlone tasks starts it again; the tasks are kept");
                }
                if (r instanceof Reply.TaskEnded ended && waiting.remove(r.re()) != null) {
                    TaskInfo t = ended.task();
                    boolean done = t.status() == TaskInfo.Status.DONE;
                    unfinished += done ? 0 : 1;
                    out.println(t.id() + " " + paint.status(t.status()) + " (" + t.cloneSlug() + ")"
                            + (t.error() == null ? "" : ": " + Render.printable(t.error())));
                    out.flush();
                }
            }
            return unfinished == 0 ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
