package dev.khlone.testkit.bench;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Zone;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Row 7: {@code khlone log --task} of one task in a big transcript against the same command in an
 * empty zone and {@code grep -c} of the task's id. The transcript is written as the daemon writes
 * it ({@link TranscriptEntry#toLine}, one file per clone, owner-only): many tasks of a prompt,
 * twenty-four 1 KB texts and a result; the task asked for is in the middle.
 */
final class LogRow implements Bench.Rows {
    private static final String GOAL = "≤ 2.0× the same `log` in an empty zone";
    private static final int TEXTS_PER_TASK = 24;

    @Override
    public List<Row> measure(Bench bench) throws Exception {
        long size = bench.size.transcriptBytes();
        bench.note("7: log --task in a " + size / 1_000_000 + " MB transcript, in an empty zone, grep -c");
        Path dir = bench.khlone.newDirectory("log");
        Path empty = bench.khlone.newDirectory("log-empty");
        Zone zone = bench.khlone.zone(dir);
        Path file = bench.khlone.locations().transcript(zone, "foreman.1");
        String task = write(file, size);
        // The empty zone knows the task (log refuses an id its zone never had), queued: no line of it anywhere.
        Path journal = bench.khlone.locations().taskJournal(bench.khlone.zone(empty));
        Files.createDirectories(journal.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.write(journal, Codec.line(TaskInfo.queued(task, "foreman.1", TaskMode.ACT, "task number 0", 0)::write));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-------"));
        List<Double> big = new ArrayList<>();
        List<Double> none = new ArrayList<>();
        List<Double> grep = new ArrayList<>();
        for (int i = -1; i < bench.size.logRuns(); i++) { // one run to warm the page cache
            double b = Proc.timeMs(bench.khlone.command(dir, "log", "--task", task));
            double e = Proc.timeMs(bench.khlone.command(empty, "log", "--task", task));
            double g = Proc.timeMs(new ProcessBuilder("grep", "-c", task, file.toString()));
            if (i >= 0) {
                big.add(b);
                none.add(e);
                grep.add(g);
            }
        }
        Figure khlone = Figure.of("log --task", "ms", big);
        Figure anchor = Figure.of("same `log` in an empty zone", "ms", none);
        return List.of(new Row("7", "`khlone log --task` of one task in a " + Files.size(file) / 1_000_000 + " MB transcript",
                khlone, List.of(anchor, Figure.of("`grep -c` of its id", "ms", grep)), GOAL,
                khlone.median() <= 2.0 * anchor.median(), null));
    }

    @Override
    public List<Row> unmeasured(String why) {
        return List.of(new Row("7", "`khlone log --task` of one task in a big transcript", Figure.missing("log --task", "ms", why),
                List.of(), GOAL, null, null));
    }

    /** Writes about {@code size} bytes of transcript and returns the id of the task in its middle. */
    private static String write(Path file, long size) throws Exception {
        Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String text = "z".repeat(1000);
        long perTask = task(0, 0, text).stream().mapToLong(line -> line.length).sum();
        int tasks = (int) Math.max(3, (size + perTask - 1) / perTask);
        long time = System.currentTimeMillis() - tasks * 60_000L;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int t = 0; t < tasks; t++) {
                for (byte[] line : task(t, time, text)) {
                    out.write(line);
                }
                time += TEXTS_PER_TASK + 2;
            }
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return id(tasks / 2);
    }

    /** The lines of task number {@code t}: its prompt, its texts, its result. */
    private static List<byte[]> task(int t, long time, String text) {
        String id = id(t);
        List<byte[]> lines = new ArrayList<>();
        lines.add(new TranscriptEntry(time, id, TranscriptEntry.Kind.PROMPT, "task number " + t, null, false).toLine());
        for (int i = 1; i <= TEXTS_PER_TASK; i++) {
            lines.add(new TranscriptEntry(time + i, id, TranscriptEntry.Kind.TEXT, text, null, false).toLine());
        }
        lines.add(new TranscriptEntry(time + TEXTS_PER_TASK + 1, id, TranscriptEntry.Kind.RESULT, "done with " + t, null, false)
                .toLine());
        return lines;
    }

    private static String id(int n) {
        return String.format(Locale.ROOT, "t-%05x", n);
    }
}
