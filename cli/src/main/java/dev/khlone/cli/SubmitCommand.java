package dev.khlone.cli;

import dev.khlone.protocol.Dollars;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code act} and {@code ask} share: the prompt and options, and how they hand a task to the
 * daemon and follow it. They differ only in the mode of the task.
 */
abstract class SubmitCommand implements Callable<Integer> {
    /** When the task runs: after the ones queued before it, or at once, interrupting the running one. */
    enum When {
        queue, disrupt
    }

    private final Host host;
    private final TaskMode mode;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Parameters(arity = "0..*", paramLabel = "PROMPT",
            description = "What to do, in words (several words are joined with spaces). '-', or no PROMPT with stdin not a terminal, reads it from stdin.")
    List<String> words = List.of();

    @Option(names = "--who", paramLabel = "WHO", converter = Clones.WhoConverter.class,
            description = "Which clone: [role][.n][@brain][++], e.g. mechanic (any clone of the role), mechanic.2,"
                    + " scout@codex, mechanic++ (a new one, also of a new role). Default: the hero, busy or not.")
    Who who;

    @Option(names = "--prioritize", description = "Put the task first in the clone's queue, after the running one.")
    boolean prioritize;

    @Option(names = "--when", paramLabel = "queue|disrupt",
            description = "queue (default): after the queued tasks; disrupt: interrupt the running task, run this one, then resume the interrupted one.")
    When when = When.queue;

    @Option(names = "--watch", description = "After queueing, show the clone's work live until the task ends.")
    boolean watch;

    @Option(names = "--talk", description = "After queueing, attach to the clone's TUI (once the task is done, unless --now).")
    boolean talk;

    @Option(names = "--now", description = "With --talk: interrupt the running task rather than wait for it.")
    boolean now;

    @Option(names = "--budget", paramLabel = "USD",
            description = "The most the task may cost, in dollars (e.g. 0.50): a turn whose reported cost passes it fails,"
                    + " stopped by claude itself in single-shot mode. Default: the profile's or the zone's budget in khlone.yml."
                    + " codex reports no cost, so no budget binds it.")
    String budget;

    @Option(names = "--await",
            description = "Wait until the task ends and print its result on stdout; exit 1 if it failed or was cancelled. ctrl-c stops the waiting, not the task.")
    boolean await;

    SubmitCommand(Host host, TaskMode mode) {
        this.host = host;
        this.mode = mode;
    }

    /** Validates everything it can before any daemon is involved, then submits. */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((await ? 1 : 0) + (watch ? 1 : 0) + (talk ? 1 : 0) > 1) {
            throw new KhloneException(ExitCode.USAGE, "--await, --watch and --talk each say how to follow the task; pick one",
                    "--await prints the result, --watch shows the work live, --talk opens the clone's TUI");
        }
        if (now && !talk) {
            throw new KhloneException(ExitCode.USAGE, "--now goes with --talk", "khlone act --talk --now \"...\"");
        }
        Double usd = budget == null ? null : Dollars.parse(budget).orElseThrow(() -> new KhloneException(ExitCode.USAGE,
                "--budget " + budget + " is not an amount of dollars", "give one more than 0, e.g. --budget 0.50"));
        String command = spec.qualifiedName();
        String prompt = prompt(command);
        if (prompt.isBlank()) {
            throw new KhloneException(ExitCode.USAGE, "the prompt is empty",
                    "say what to do: " + command + " \"...\", or pipe it in: ... | " + command + " -");
        }
        String whoText = Clones.wire(who);
        int size = Codec.encode(new Request.Submit("1", mode, prompt, whoText, placement())).length;
        if (size > Protocol.MAX_FRAME) {
            throw new KhloneException(ExitCode.USAGE, "the prompt is too large: "
                    + prompt.getBytes(StandardCharsets.UTF_8).length + " bytes",
                    "a prompt may have up to about " + Protocol.MAX_FRAME / 1024 + " KiB; point the clone at a file instead");
        }
        try (Connection c = zoneOption.connect()) {
            TaskInfo task = c.call(new Request.Submit(c.id(), mode, prompt, whoText, placement(), host.brainEnvironment(), usd),
                    Reply.Accepted.class).task();
            return follow(c, task, out, err);
        }
    }

    /** Says where the task went, then follows it as --await, --watch or --talk asks. */
    private int follow(Connection c, TaskInfo task, PrintWriter out, PrintWriter err) {
        String accepted = "✓ " + task.id() + " → " + task.cloneSlug();
        if (talk) {
            err.println(accepted);
            c.close();
            return TalkCommand.talk(host, zoneOption, task.cloneSlug(), now, null, err);
        }
        if (watch) {
            err.println(accepted);
            return watch(c, task, out);
        }
        if (!await) {
            out.println(accepted);
            return ExitCode.OK;
        }
        // stdout carries the result alone, so that it can be piped; the rest goes to stderr.
        err.println(accepted);
        TaskInfo ended;
        try (Spinner ignored = Spinner.on(host, err, task)) {
            ended = c.call(new Request.Await(c.id(), task.id()), Reply.TaskEnded.class).task();
        }
        return ended(ended, out);
    }

    private Placement placement() {
        return when == When.disrupt ? Placement.DISRUPT : prioritize ? Placement.FIRST : Placement.LAST;
    }

    /** Streams the clone's work until this task ends; ctrl-c leaves the task running. */
    private int watch(Connection c, TaskInfo task, PrintWriter out) {
        String watchId = c.id();
        String awaitId = c.id();
        c.send(new Request.Watch(watchId, task.cloneSlug(), false));
        c.send(new Request.Await(awaitId, task.id()));
        WatchView view = new WatchView(WatchView.Style.RENDERED, host.stdout());
        Reply r;
        while ((r = c.next()) != null) {
            if (watchId.equals(r.re())) {
                view.show(r);
            } else if (awaitId.equals(r.re()) && r instanceof Reply.TaskEnded ended) {
                TaskInfo end = ended.task();
                if (end.status() == TaskInfo.Status.DONE) {
                    return ExitCode.OK;
                }
                return ended(end, out);
            }
        }
        throw new KhloneException(ExitCode.UNREACHABLE, "the zone daemon went away while " + task.id() + " ran",
                "khlone status starts it again; the task is kept");
    }

    private static int ended(TaskInfo task, PrintWriter out) {
        String log = "khlone log --task " + task.id() + " shows what it did";
        switch (task.status()) {
            case DONE:
                String result = task.result() == null ? "" : Render.printable(task.result());
                out.print(result);
                if (!result.isEmpty() && !result.endsWith("\n")) {
                    out.println();
                }
                out.flush();
                return ExitCode.OK;
            case FAILED:
                String reason = task.error() != null ? task.error() : task.result() != null ? task.result() : "no reason given";
                throw new KhloneException(ExitCode.FAILED, task.id() + " failed: " + reason, log);
            case CANCELLED:
                throw new KhloneException(ExitCode.FAILED, task.id() + " was cancelled", log);
            default:
                throw new KhloneException(ExitCode.FAILED, "the daemon reported " + task.id() + " as ended while it is "
                        + task.status().wire(), "see the daemon's log: khlone status shows where it is");
        }
    }

    private String prompt(String command) {
        boolean fromStdin = words.equals(List.of("-")) || words.isEmpty() && !host.stdinIsTerminal();
        if (words.isEmpty() && !fromStdin) {
            throw new KhloneException(ExitCode.USAGE, "no prompt",
                    "say what to do: " + command + " \"...\", or pipe it in: ... | " + command + " -");
        }
        if (!fromStdin) {
            return String.join(" ", words);
        }
        try {
            return new String(host.stdin().readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot read the prompt from stdin: " + e.getMessage(), null, e);
        }
    }
}
