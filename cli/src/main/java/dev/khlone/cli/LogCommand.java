package dev.khlone.cli;

import dev.khlone.protocol.Failures;
import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.zone.Zone;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"Show what the clones were asked and said.",
                "Prompts (›), their words, tool calls (⚙) and answers (↳), results (✓ or ✗), notes (·).",
                "Reads the transcripts in the zone's state dir: works without a daemon and never starts one."})
final class LogCommand implements Callable<Integer> {
    static final long POLL_MS = 200;
    /** What {@code -f} shows before it follows, as {@code tail -f} does. */
    static final int FOLLOW_TAIL = 10;
    private static final int TOOL_INPUT_MAX = 160;
    private static final int PRINT_CHUNK = 64 * 1024;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--who", paramLabel = "CLONE|ROLE", converter = Clones.WhoConverter.class,
            description = "Only this clone (mechanic.1), or every clone of a role (mechanic).")
    Who who;

    @Parameters(arity = "0..1", paramLabel = "CLONE|ROLE", converter = Clones.WhoConverter.class, description = "The same as --who.")
    Who clone;

    @Option(names = "--task", paramLabel = "ID", description = "Only the lines of this task.")
    String task;

    @Option(names = {"-f", "--follow"},
            description = "Show the last " + FOLLOW_TAIL + " lines (of --who and --task), then keep printing lines as"
                    + " they are written, from new clones too, until ctrl-c.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N",
            description = "Only the last N lines (with -f, the N shown before following).")
    Integer lines;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only lines from WHEN on: a while ago (90s, 15m, 2h, 3d), a day (2026-11-29), or a local"
                    + " time (09:30 today, 2026-11-29T09:30).")
    String since;

    @Option(names = "--json", description = "One JSON object per line (time, clone, task, kind, text, tool, isError), for scripts.")
    boolean json;

    private int cloneWidth;
    private int taskWidth = 6;
    private LocalDate lastDate;

    LogCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        who = Clones.either(clone, who, "log");
        Predicate<String> clones = clones();
        if (lines != null && lines < 0) {
            throw new KhloneException(ExitCode.USAGE, "-n " + lines + ": a count cannot be negative", "e.g. khlone log -n 20");
        }
        long sinceMs = since == null ? Long.MIN_VALUE : Since.parse(since, host.nowMs(), host.timeZone());
        Zone zone = zoneOption.existingZone();
        Path dir = zoneOption.locations().transcripts(zone);
        try {
            return show(zone, dir, zoneOption.locations().taskJournal(zone), clones, sinceMs);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot read the transcripts in " + dir + ": "
                    + Failures.of(e, dir), "check that KHLONE_HOME (" + zoneOption.locations().home()
                    + ") and what is in it are yours");
        }
    }

    private int show(Zone zone, Path dir, Path journal, Predicate<String> clones, long sinceMs) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // JSON goes to stdout alone: what is said about it goes to stderr, where a script's parser does not look.
        PrintWriter notes = json ? err : out;
        Transcripts transcripts = new Transcripts(dir, clones, task, warning -> err.println("khlone: " + warning));
        Integer last = lines != null ? lines : follow ? Integer.valueOf(FOLLOW_TAIL) : null;
        List<Transcripts.Line> first;
        if (since != null) {
            first = transcripts.history().stream().filter(l -> l.entry().timeMs() >= sinceMs).toList();
            first = last == null ? first : first.subList(Math.max(0, first.size() - last), first.size());
        } else {
            first = last == null ? transcripts.history() : transcripts.recent(last);
        }
        int shown = show(first, transcripts, clones, out);
        if (task != null && shown == 0 && !journalled(journal, task)) {
            // A mistyped id would show nothing, or be followed for ever: the journal has every task the zone accepted.
            throw new KhloneException(ExitCode.FAILED, "there is no task " + task,
                    "khlone tasks lists the zone's tasks");
        }
        boolean anyClone = transcripts.clones().stream().anyMatch(clones);
        if (!follow) {
            if (transcripts.clones().isEmpty()) {
                notes.printf("no transcripts yet in zone %s: no clone has had a task%n", zone.id());
            } else if (!anyClone) {
                throw new KhloneException(ExitCode.FAILED, "no clone matches --who " + who + " in zone " + zone.id(),
                        "the clones with transcripts: " + String.join(", ", transcripts.clones()));
            } else if (shown == 0 && task != null) {
                notes.printf("no lines of task %s in the transcripts%s%n", task,
                        who == null ? " (a queued task has none yet)" : " of --who " + who);
            } else if (shown == 0 && since != null) {
                notes.println("no lines since " + since);
            }
            return ExitCode.OK;
        }
        if (!anyClone) {
            err.println(transcripts.clones().isEmpty() ? "no transcripts yet; waiting for the first (ctrl-c stops)"
                    : "no transcript of --who " + who + " yet; waiting for it (ctrl-c stops)");
        }
        while (true) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                // ctrl-c ends the JVM; an interrupt (a test, an embedding) ends the command
                return ExitCode.OK;
            }
            show(transcripts.poll(), transcripts, clones, out);
        }
    }

    /**
     * Whether the zone's task journal has a record of the task {@code id}: every task has one from
     * the moment it is accepted, before any line of it is written. A journal that cannot be read
     * counts as having it (the command goes on as it would without the check).
     */
    private static boolean journalled(Path journal, String id) {
        String field = "\"id\":\"" + id + "\"";
        try (BufferedReader records = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            String record;
            while ((record = records.readLine()) != null) {
                if (record.contains(field)) {
                    return true;
                }
            }
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Which clones --who means: a slug exactly, or every clone of a role. */
    private Predicate<String> clones() {
        if (who == null) {
            return slug -> true;
        }
        if (who.role() == null || who.brain() != null || who.enroll()) {
            throw new KhloneException(ExitCode.USAGE, "log --who takes a clone or a role, not '" + who + "'",
                    "e.g. --who mechanic.1, or --who mechanic for all mechanics");
        }
        if (who.exact()) {
            String slug = who.role() + "." + who.index();
            return slug::equals;
        }
        String prefix = who.role() + ".";
        return s -> s.startsWith(prefix);
    }

    private int show(List<Transcripts.Line> lines, Transcripts transcripts, Predicate<String> clones, PrintWriter out) {
        transcripts.clones().stream().filter(clones).forEach(c -> cloneWidth = Math.max(cloneWidth, c.length()));
        StringBuilder text = new StringBuilder();
        String nl = System.lineSeparator();
        if (json) {
            for (Transcripts.Line line : lines) {
                text.append(jsonLine(line)).append(nl);
                if (text.length() >= PRINT_CHUNK) {
                    out.print(text);
                    text.setLength(0);
                }
            }
            out.print(text);
            out.flush();
            return lines.size();
        }
        for (Transcripts.Line line : lines) {
            TranscriptEntry e = line.entry();
            taskWidth = Math.max(taskWidth, e.task() == null ? 0 : e.task().length());
            ZonedDateTime time = Instant.ofEpochMilli(e.timeMs()).atZone(host.timeZone());
            if (!time.toLocalDate().equals(lastDate)) {
                lastDate = time.toLocalDate();
                text.append("── ").append(lastDate).append(" ──").append(nl);
            }
            String head = CLOCK.format(time) + "  " + pad(line.slug(), cloneWidth) + "  "
                    + pad(e.task() == null ? "" : e.task(), taskWidth) + "  ";
            text.append(head).append(body(e).replace("\n", "\n" + " ".repeat(head.length() + 2))).append(nl);
            if (text.length() >= PRINT_CHUNK) {
                out.print(text); // print, unlike println, does not flush: a write per chunk, not per line
                text.setLength(0);
            }
        }
        out.print(text);
        out.flush();
        return lines.size();
    }

    /** One entry as one line of JSON, its fields as the transcript keeps them plus its clone and an ISO time. */
    private String jsonLine(Transcripts.Line line) {
        TranscriptEntry e = line.entry();
        return Render.jsonLine(g -> {
            g.writeStringField("time", Instant.ofEpochMilli(e.timeMs()).atZone(host.timeZone()).toOffsetDateTime().toString());
            g.writeNumberField("timeMs", e.timeMs());
            g.writeStringField("clone", line.slug());
            g.writeStringField("task", e.task());
            g.writeStringField("kind", e.kind().wire());
            g.writeStringField("text", e.text());
            g.writeStringField("tool", e.tool());
            g.writeBooleanField("isError", e.isError());
        });
    }

    /** The kind's mark and the entry's text, as people read them. */
    static String body(TranscriptEntry e) {
        String text = e.text() == null ? "" : Render.printable(e.text()).stripTrailing();
        switch (e.kind()) {
            case PROMPT:
                return "› " + text;
            case TEXT:
                return "  " + text;
            case TOOL:
                return "⚙ " + (e.tool() == null ? "tool" : Render.printable(e.tool())) + (text.isEmpty() ? "" : " " + oneLine(text));
            case TOOL_RESULT:
                return "↳ " + (e.isError() ? "✗ " : "") + firstLine(text);
            case RESULT:
                return (e.isError() ? "✗ " : "✓ ") + text;
            case ERROR:
                return "✗ " + text;
            case NOTE:
            default:
                return "· " + text;
        }
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s*\\n\\s*", " ");
        return flat.length() <= TOOL_INPUT_MAX ? flat : flat.substring(0, TOOL_INPUT_MAX) + "…";
    }

    /** A tool's answer can be a whole file: its first line, and how much more there is. */
    private static String firstLine(String text) {
        String[] lines = text.split("\n", -1);
        String first = oneLine(lines[0]);
        return lines.length == 1 ? first : first + " … (" + (lines.length - 1) + " more lines)";
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
