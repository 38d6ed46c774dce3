package dev.khlone.testkit.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code scripts/bench}: measures issue 11's table against an installed layout (the system
 * property {@code khlone.dist}), each row beside its anchors in the same run, interleaved, and
 * prints it as a table, or as JSON with {@code --json}. {@code --quick} makes every run short
 * (fewer runs, smaller floods and transcripts, 8 clones for 32): a smoke test, not a figure;
 * {@code --rows 3,6} measures only the groups of those rows ({@code 6} stands for 6a and 6b).
 */
public final class Bench {
    /** How much each row does: the full counts or the quick ones. */
    record Size(boolean quick, int startRuns, int coldRuns, int turns, int floodRuns, long floodBytes,
                long fanOutBytes, int clones, long transcriptBytes, int logRuns) {
        static final Size FULL = new Size(false, 15, 7, 100, 5, 50_000_000, 50_000_000, 32, 52_000_000, 7);
        static final Size QUICK = new Size(true, 3, 2, 6, 1, 4_000_000, 4_000_000, 8, 8_000_000, 3);
    }

    /** One group of rows; a group that fails becomes rows saying so. */
    interface Rows {
        List<Row> measure(Bench bench) throws Exception;

        List<Row> unmeasured(String why);
    }

    final Size size;
    final KhloneHarness khlone;
    final Path java;
    final List<String> launcherFlags;
    final Path testkit;
    final PrintStream progress;

    private Bench(Size size, KhloneHarness khlone, Path java, List<String> launcherFlags, Path testkit, PrintStream progress) {
        this.size = size;
        this.khlone = khlone;
        this.java = java;
        this.launcherFlags = launcherFlags;
        this.testkit = testkit;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean json = false;
        List<String> only = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--json" -> json = true;
                case "--rows" -> only = i + 1 < args.length ? List.of(args[++i].split(",")) : List.of("");
                default -> {
                    System.err.println("bench: unknown argument '" + args[i] + "'");
                    System.exit(2);
                }
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String loadBefore = load();
        List<Row> rows = new ArrayList<>();
        try (KhloneHarness khlone = new KhloneHarness()) {
            Bench bench = new Bench(quick ? Size.QUICK : Size.FULL, khlone, java(), Launcher.flags(khlone.launcher()),
                    Path.of(FakeBrainService.class.getProtectionDomain().getCodeSource().getLocation().toURI()), System.err);
            for (Rows group : List.of(new StartRows(), new TurnRow(), new WatchRows(), new MemoryRows(), new LogRow())) {
                if (!chosen(group, only)) {
                    continue;
                }
                try {
                    rows.addAll(group.measure(bench));
                } catch (Exception e) {
                    bench.note("could not measure: " + e);
                    rows.addAll(group.unmeasured("the bench failed: " + e.getMessage()));
                }
                bench.stopDaemons();
            }
            if (!only.isEmpty()) { // a group measured whole prints only the rows named
                List<String> wanted = only;
                rows.removeIf(r -> !named(r.id(), wanted));
            }
            Context context = new Context(Instant.now().toString(), Runtime.getRuntime().availableProcessors(),
                    loadBefore, load(), Proc.run(List.of(bench.java.toString(), "-version")).lines().findFirst().orElse("?"),
                    khlone.launcher().toString(), Files.exists(khlone.dist().resolve("lib/khlone-cli.jsa")),
                    String.join(" ", bench.launcherFlags), quick);
            out.print(json ? json(context, rows) : table(context, rows));
        }
    }

    /** Whether {@code group} yields one of the rows {@code only} names (a row id or its number); all when none are named. */
    private static boolean chosen(Rows group, List<String> only) {
        return only.isEmpty() || group.unmeasured("").stream().anyMatch(r -> named(r.id(), only));
    }

    /** Whether row {@code id} is one of {@code only}: named whole, or by its number (6 names 6a and 6b). */
    private static boolean named(String id, List<String> only) {
        return only.stream().anyMatch(n -> !n.isEmpty() && id.startsWith(n));
    }

    /** Where and how the rows were measured. */
    record Context(String when, int cores, String loadBefore, String loadAfter, String java, String launcher,
                   boolean cdsArchive, String flags, boolean quick) {}

    /** Stops the daemons a group started, so that they do not run beside the next. */
    private void stopDaemons() throws IOException, InterruptedException {
        Path zones = khlone.root().resolve("zones");
        if (!Files.isDirectory(zones)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(zones)) {
            for (Path dir : dirs.toList()) {
                if (khlone.daemonPid(khlone.zone(dir)).filter(KhloneHarness::running).isPresent()) {
                    Proc.timeMs(khlone.command(dir, "daemon", "stop"));
                }
            }
        }
    }

    void note(String line) {
        progress.println("bench: " + line);
    }

    /** A {@code java} with the launcher's flags, as it starts khlone's client. */
    List<String> javaWithLauncherFlags() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(launcherFlags);
        return cmd;
    }

    /** The java the launcher picks: KHLONE_JAVA, else JAVA_HOME's, else the PATH's. */
    private static Path java() {
        String explicit = System.getenv("KHLONE_JAVA");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String home = System.getenv("JAVA_HOME");
        return home != null && !home.isEmpty() ? Path.of(home, "bin", "java") : Path.of("java");
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    static String table(Context c, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "khlone bench%s, %s: %d cores, load %s before, %s after; %s%n",
                c.quick() ? " --quick (a smoke run: small counts, not figures to quote)" : "", c.when(), c.cores(),
                c.loadBefore(), c.loadAfter(), c.java()));
        b.append(String.format("layout %s (class-data archive: %s); launcher flags: %s%n%n", c.launcher(),
                c.cdsArchive() ? "yes" : "none", c.flags()));
        b.append("| # | what | khlone | side by side | ratio | goal | |\n|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            List<String> anchors = r.anchors().stream().map(a -> a.what() + " " + a.text()).toList();
            double ratio = r.ratio();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", r.id(), r.title(), r.khlone().text(),
                    String.join("; ", anchors), Double.isNaN(ratio) ? "–" : Figure.number(ratio) + "×", r.goal(), r.verdict()));
        }
        b.append('\n');
        for (Row r : rows) {
            List<String> details = new ArrayList<>();
            if (r.khlone().detail() != null) {
                details.add(r.khlone().detail());
            }
            r.anchors().stream().filter(a -> a.detail() != null).forEach(a -> details.add(a.what() + ": " + a.detail()));
            if (r.note() != null) {
                details.add(r.note());
            }
            if (!details.isEmpty()) {
                b.append(r.id()).append(": ").append(String.join("; ", details)).append('\n');
            }
        }
        return b.toString();
    }

    static String json(Context c, List<Row> rows) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("when", c.when());
            g.writeNumberField("cores", c.cores());
            g.writeStringField("loadBefore", c.loadBefore());
            g.writeStringField("loadAfter", c.loadAfter());
            g.writeStringField("java", c.java());
            g.writeStringField("launcher", c.launcher());
            g.writeBooleanField("cdsArchive", c.cdsArchive());
            g.writeStringField("launcherFlags", c.flags());
            g.writeBooleanField("quick", c.quick());
            g.writeArrayFieldStart("rows");
            for (Row r : rows) {
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeStringField("what", r.title());
                g.writeFieldName("khlone");
                figure(g, r.khlone());
                g.writeArrayFieldStart("anchors");
                for (Figure a : r.anchors()) {
                    figure(g, a);
                }
                g.writeEndArray();
                double ratio = r.ratio();
                if (Double.isNaN(ratio)) {
                    g.writeNullField("ratio");
                } else {
                    g.writeNumberField("ratio", ratio);
                }
                g.writeStringField("goal", r.goal());
                g.writeStringField("verdict", r.verdict());
                g.writeStringField("note", r.note());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return text + "\n";
    }

    private static void figure(JsonGenerator g, Figure f) throws IOException {
        g.writeStartObject();
        g.writeStringField("what", f.what());
        g.writeStringField("unit", f.unit());
        if (f.measured()) {
            g.writeNumberField("median", f.median());
            g.writeNumberField("min", f.min());
            g.writeNumberField("max", f.max());
            g.writeNumberField("runs", f.runs());
        } else {
            g.writeStringField("missing", f.missing());
        }
        g.writeStringField("detail", f.detail());
        g.writeEndObject();
    }
}
