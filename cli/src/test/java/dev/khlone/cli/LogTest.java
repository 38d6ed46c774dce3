package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.store.TranscriptEntry.Kind;
import dev.khlone.protocol.store.TranscriptFile;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone log}: transcripts read straight from the state dir, rendered for people, filtered, followed. */
class LogTest {
    private static final String NL = System.lineSeparator();
    /** 2025-06-15 15:06:40 UTC. */
    private static final long T = 1_750_000_000_000L;

    @TempDir
    Path tmp;

    Cli cli;
    Zone zone;
    Locations locations;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp);
        zone = new Locations(cli.home, cli.sockets).zoneAt(cli.zoneRoot);
        locations = Locations.fromEnvironment(Map.of("KHLONE_HOME", cli.home.toString(), "KHLONE_SOCKET_DIR",
                cli.sockets.toString()));
    }

    void write(String clone, TranscriptEntry... entries) throws IOException {
        Path file = locations.transcript(zone, clone);
        Files.createDirectories(file.getParent());
        for (TranscriptEntry e : entries) {
            Files.write(file, e.toLine(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** Writes one of the daemon's rotated parts (or, part 0, the live file) of a clone's transcript. */
    void writePart(String clone, int part, TranscriptEntry... entries) throws IOException {
        Path file = locations.transcripts(zone).resolve(new TranscriptFile(clone, part).fileName());
        Files.createDirectories(file.getParent());
        for (TranscriptEntry e : entries) {
            Files.write(file, e.toLine(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    static TranscriptEntry entry(long at, String task, Kind kind, String text) {
        return new TranscriptEntry(T + at, task, kind, text, null, false);
    }

    void aSession() throws IOException {
        write("foreman.1",
                entry(0, "t-3f9a", Kind.PROMPT, "fix the flaky test"),
                entry(2_000, "t-3f9a", Kind.TEXT, "Let me look.\nFirst the test."),
                new TranscriptEntry(T + 3_000, "t-3f9a", Kind.TOOL, "{\"command\": \"mvn -q test\"}", "Bash", false),
                new TranscriptEntry(T + 9_000, "t-3f9a", Kind.TOOL_RESULT, "BUILD SUCCESS\nTotal time: 5 s\n", "Bash", false),
                entry(12_000, "t-3f9a", Kind.RESULT, "All green."));
        write("mechanic.1",
                entry(1_000, "t-77aa", Kind.PROMPT, "why is the build slow?"),
                new TranscriptEntry(T + 4_000, "t-77aa", Kind.RESULT, "401 from the model", null, true),
                entry(5_000, null, Kind.NOTE, "rebooted after a crash"));
        write("mechanic.2", entry(6_000, "t-0b0b", Kind.ERROR, "cancelled while running"));
    }

    @Test
    void aReplysTerminalEscapesAreShownInert() throws Exception {
        write("foreman.1",
                entry(0, "t-3f9a", Kind.TEXT, "look\033]0;owned\007 here\033]52;c;cm0gLXJmIH4=\033\\"),
                entry(1_000, "t-3f9a", Kind.RESULT, "\033[2J\033[Hall\rgreen"));
        Cli.Run r = cli.run("log");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("\033").doesNotContain("\r").isEqualTo(String.join(NL,
                "── 2025-06-15 ──",
                "15:06:40  foreman.1  t-3f9a    look here",
                "15:06:41  foreman.1  t-3f9a  ✓ all",
                "                               green",
                ""));
    }

    @Test
    void everyCloneInTimeOrderWithKindsMarked() throws Exception {
        aSession();
        Cli.Run r = cli.run("log");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(String.join(NL,
                "── 2025-06-15 ──",
                "15:06:40  foreman.1   t-3f9a  › fix the flaky test",
                "15:06:41  mechanic.1  t-77aa  › why is the build slow?",
                "15:06:42  foreman.1   t-3f9a    Let me look.",
                "                                First the test.",
                "15:06:43  foreman.1   t-3f9a  ⚙ Bash {\"command\": \"mvn -q test\"}",
                "15:06:44  mechanic.1  t-77aa  ✗ 401 from the model",
                "15:06:45  mechanic.1          · rebooted after a crash",
                "15:06:46  mechanic.2  t-0b0b  ✗ cancelled while running",
                "15:06:49  foreman.1   t-3f9a  ↳ BUILD SUCCESS … (1 more lines)",
                "15:06:52  foreman.1   t-3f9a  ✓ All green.") + NL);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void transcriptsThatCannotBeReadAreAnErrorWithAHintNotAStackTrace() throws Exception {
        Path transcripts = locations.transcripts(zone);
        Files.createDirectories(transcripts.getParent());
        Files.writeString(transcripts, "not a directory");
        for (String[] args : List.of(new String[] {"log"}, new String[] {"log", "-f"})) {
            Cli.Run r = cli.run(args);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("khlone: cannot read the transcripts in " + transcripts + ": not a directory" + NL
                    + "  hint: check that KHLONE_HOME (" + cli.home + ") and what is in it are yours" + NL);
        }
    }

    @Test
    void aNewDayGetsItsOwnHeading() throws Exception {
        long midnight = 1_750_032_000_000L; // 2025-06-16 00:00:00 UTC
        write("foreman.1", new TranscriptEntry(midnight - 1_000, "t-1", Kind.PROMPT, "late", null, false),
                new TranscriptEntry(midnight + 1_000, "t-1", Kind.RESULT, "early", null, false));
        assertThat(cli.run("log").out()).isEqualTo(String.join(NL,
                "── 2025-06-15 ──",
                "23:59:59  foreman.1  t-1     › late",
                "── 2025-06-16 ──",
                "00:00:01  foreman.1  t-1     ✓ early") + NL);
    }

    @Test
    void itNeedsNoDaemonAndStartsNone() throws Exception {
        aSession();
        assertThat(cli.run("log").exitCode()).isZero();
        try (Stream<Path> sockets = Files.list(cli.sockets); Stream<Path> state = Files.list(locations.zoneDir(zone))) {
            assertThat(sockets).isEmpty();
            assertThat(state).containsExactly(locations.zoneDir(zone).resolve("transcripts"));
        }
    }

    @Test
    void whoPicksACloneOrARoleAndTaskPicksATask() throws Exception {
        aSession();
        assertThat(cli.run("log", "--who", "mechanic.1").out()).contains("mechanic.1").doesNotContain("foreman.1")
                .doesNotContain("mechanic.2");
        assertThat(cli.run("log", "--who", "mechanic").out()).contains("mechanic.1").contains("mechanic.2")
                .doesNotContain("foreman.1");
        assertThat(cli.run("log", "mechanic").out()).as("the clone as a parameter, as talk takes it")
                .isEqualTo(cli.run("log", "--who", "mechanic").out());
        Cli.Run task = cli.run("log", "--task", "t-3f9a");
        assertThat(task.out()).contains("› fix the flaky test").contains("✓ All green.").doesNotContain("t-77aa")
                .doesNotContain("rebooted");
        journal(TaskInfo.queued("t-0000", "foreman.1", TaskMode.ACT, "later", T));
        Cli.Run none = cli.run("log", "--task", "t-0000");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).isEqualTo("no lines of task t-0000 in the transcripts (a queued task has none yet)" + NL);
    }

    /** Appends the task's record to the zone's journal, as the daemon does when it accepts one. */
    void journal(TaskInfo task) throws IOException {
        Path journal = locations.taskJournal(zone);
        Files.createDirectories(journal.getParent());
        Files.write(journal, Codec.line(task::write), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aTaskTheZoneNeverHadExits1SayingSoAndIsNotFollowed() throws Exception {
        String noTask = "khlone: there is no task t-typo" + NL
                + "  hint: khlone tasks lists the zone's tasks" + NL;
        Cli.Run empty = cli.run("log", "--task", "t-typo");
        assertThat(empty.exitCode()).as("a zone with no task yet").isEqualTo(1);
        assertThat(empty.err()).isEqualTo(noTask);
        aSession();
        journal(TaskInfo.queued("t-3f9a", "foreman.1", TaskMode.ACT, "fix the flaky test", T));
        for (String[] args : List.of(new String[] {"log", "--task", "t-typo"}, new String[] {"log", "-f", "--task", "t-typo"})) {
            Cli.Run r = cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo(noTask);
        }
    }

    @Test
    void anUnknownCloneExits1AndListsTheKnownOnes() throws Exception {
        aSession();
        Cli.Run r = cli.run("log", "--who", "scout.1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("khlone: no clone matches --who scout.1 in zone " + zone.id() + NL
                + "  hint: the clones with transcripts: foreman.1, mechanic.1, mechanic.2" + NL);
    }

    @Test
    void noTranscriptsIsAMessageNotAnError() {
        Cli.Run r = cli.run("log");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("no transcripts yet in zone " + zone.id() + ": no clone has had a task" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void aWhoThatNamesNoCloneOrRoleIsAUsageError() {
        Cli.Run brain = cli.run("log", "--who", "@codex");
        assertThat(brain.exitCode()).isEqualTo(2);
        assertThat(brain.err()).isEqualTo("khlone: log --who takes a clone or a role, not '@codex'" + NL
                + "  hint: e.g. --who mechanic.1, or --who mechanic for all mechanics" + NL);
        Cli.Run bad = cli.run("log", "--who", "x..1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("khlone: --who x..1: 'x..1' is not a clone");
    }

    @Test
    void aBrokenLineIsSkippedWithAWarningAndAHalfWrittenOneWaits() throws Exception {
        write("foreman.1", entry(0, "t-1", Kind.PROMPT, "one"));
        Path file = locations.transcript(zone, "foreman.1");
        Files.writeString(file, "not json\n", StandardOpenOption.APPEND);
        write("foreman.1", entry(1_000, "t-1", Kind.RESULT, "two"));
        Files.writeString(file, "{\"timeMs\":", StandardOpenOption.APPEND);
        Cli.Run r = cli.run("log");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("› one").contains("✓ two");
        assertThat(r.err()).startsWith("khlone: line 2 of foreman.1.jsonl is not a transcript entry (")
                .endsWith("); skipped it" + NL);
    }

    @Test
    void followPrintsLinesAppendedLaterAndTranscriptsThatAppearLater() throws Exception {
        write("foreman.1", entry(0, "t-1", Kind.PROMPT, "first"));
        Cli.Running log = cli.start("log", "-f", "--zone", cli.zoneRoot.toString());
        log.awaitOut("› first");
        write("foreman.1", entry(1_000, "t-1", Kind.RESULT, "appended"));
        log.awaitOut("✓ appended");
        write("mechanic.1", entry(2_000, "t-2", Kind.PROMPT, "a new clone"));
        log.awaitOut("mechanic.1  t-2     › a new clone");
        Cli.Run stopped = log.stop();
        assertThat(stopped.exitCode()).isZero();
        assertThat(stopped.out()).containsOnlyOnce("› first").containsOnlyOnce("✓ appended");
    }

    @Test
    void followWaitsForAnUnknownCloneInsteadOfFailing() throws Exception {
        Cli.Running log = cli.start("log", "-f", "--who", "scout", "--zone", cli.zoneRoot.toString());
        log.awaitErr("waiting");
        write("foreman.1", entry(0, "t-1", Kind.PROMPT, "not for scouts"));
        write("scout.1", entry(1_000, "t-2", Kind.PROMPT, "for scouts"));
        log.awaitOut("› for scouts");
        Cli.Run stopped = log.stop();
        assertThat(stopped.exitCode()).isZero();
        assertThat(stopped.out()).doesNotContain("not for scouts");
        assertThat(stopped.err()).isEqualTo("no transcripts yet; waiting for the first (ctrl-c stops)" + NL);
    }

    @Test
    void taskFindsItsLinesAcrossRotatedPartsAndTheLiveFileInOrder() throws Exception {
        writePart("foreman.1", 2, entry(0, "t-1", Kind.PROMPT, "oldest part"), entry(1_000, "t-2", Kind.PROMPT, "other task"));
        writePart("foreman.1", 1, entry(3_000, "t-1", Kind.TEXT, "newer part"));
        writePart("foreman.1", 0, entry(5_000, "t-1", Kind.RESULT, "live file"));
        writePart("mechanic.1", 1, entry(2_000, "t-1", Kind.TEXT, "the mechanic's part"));
        writePart("mechanic.1", 0, entry(4_000, "t-1", Kind.TEXT, "the mechanic's live file"));
        Cli.Run task = cli.run("log", "--task", "t-1");
        assertThat(task.exitCode()).as(task.err()).isZero();
        assertThat(task.out()).isEqualTo(String.join(NL,
                "── 2025-06-15 ──",
                "15:06:40  foreman.1   t-1     › oldest part",
                "15:06:42  mechanic.1  t-1       the mechanic's part",
                "15:06:43  foreman.1   t-1       newer part",
                "15:06:44  mechanic.1  t-1       the mechanic's live file",
                "15:06:45  foreman.1   t-1     ✓ live file") + NL);
        assertThat(cli.run("log").out()).contains("› other task").contains("› oldest part");
        assertThat(cli.run("log", "--who", "scout.1").err())
                .endsWith("hint: the clones with transcripts: foreman.1, mechanic.1" + NL);
    }

    @Test
    void aTornLastLineOfAPartIsSkippedAndNeverGluesOntoTheNextFile() throws Exception {
        writePart("foreman.1", 1, entry(0, "t-1", Kind.PROMPT, "one"));
        Path part = locations.transcripts(zone).resolve("foreman.1.1.jsonl");
        Files.writeString(part, "{\"timeMs\":1750000000500,\"task\":\"t-1\",\"kind\":\"te", StandardOpenOption.APPEND);
        writePart("foreman.1", 0, entry(1_000, "t-1", Kind.RESULT, "two"));
        for (String[] args : List.of(new String[] {"log"}, new String[] {"log", "--task", "t-1"})) {
            Cli.Run r = cli.run(args);
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).isEqualTo(String.join(NL,
                    "── 2025-06-15 ──",
                    "15:06:40  foreman.1  t-1     › one",
                    "15:06:41  foreman.1  t-1     ✓ two") + NL);
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void nShowsTheLastLinesAndSinceTheLinesFromThenOn() throws Exception {
        aSession();
        cli.now(T + 60_000);
        List<String> last = cli.run("log", "-n", "2").out().lines().filter(l -> l.contains("  t-") || l.contains("·")).toList();
        assertThat(last).hasSize(2);
        assertThat(last.get(0)).endsWith("↳ BUILD SUCCESS … (1 more lines)");
        assertThat(last.get(1)).endsWith("✓ All green.");
        String since = cli.run("log", "--since", "55s").out();
        assertThat(since).doesNotContain("fix the flaky test", "Let me look", "why is the build slow?")
                .contains("rebooted after a crash", "cancelled while running", "All green.");
        String sinceAndN = cli.run("log", "--since", "55s", "-n", "1").out();
        assertThat(sinceAndN).contains("All green.").doesNotContain("cancelled while running");
        String day = Instant.ofEpochMilli(T).atZone(Cli.UTC).toLocalDate().toString();
        assertThat(cli.run("log", "--since", day).out()).contains("fix the flaky test");
        assertThat(cli.run("log", "--since", day + "T23:59:59").out()).contains("no lines since " + day + "T23:59:59");
    }

    @Test
    void jsonIsOneObjectPerLineWithTheCloneAndNothingElseOnStdout() throws Exception {
        aSession();
        Cli.Run r = cli.run("log", "--json", "--who", "mechanic");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("{\"time\":\"").contains("\"timeMs\":" + (T + 1_000), "\"clone\":\"mechanic.1\"",
                "\"task\":\"t-77aa\"", "\"kind\":\"prompt\"", "\"text\":\"why is the build slow?\"", "\"isError\":false");
        assertThat(lines.get(1)).contains("\"kind\":\"result\"", "\"isError\":true");
        Cli.Run none = new Cli(tmp.resolve("empty")).run("log", "--json");
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).startsWith("no transcripts yet");
    }

    @Test
    void badCountsAndTimesAreUsageErrors() {
        assertThat(cli.run("log", "-n", "-3").err()).startsWith("khlone: -n -3: a count cannot be negative" + NL);
        for (String bad : List.of("yesterday", "1.5h", "2w", "99999999999999999999d", "2026-13-01")) {
            Cli.Run r = cli.run("log", "--since", bad);
            assertThat(r.exitCode()).as(bad).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(bad).isEqualTo("khlone: --since " + bad + ": not a while ago, a day or a time" + NL
                    + "  hint: e.g. --since 2h, --since 30m, --since 2026-11-29, --since 09:30 or --since 2026-11-29T09:30" + NL);
        }
    }

    @Test
    void followShowsOnlyTheRecentLinesThenFollows() throws Exception {
        for (int i = 0; i < 25; i++) {
            writePart("foreman.1", i < 20 ? 1 : 0, entry(i * 1_000L, "t-1", Kind.TEXT, "line " + i));
        }
        writePart("mechanic.1", 0, entry(17_500, "t-2", Kind.TEXT, "the mechanic's"));
        Cli.Running log = cli.start("log", "-f", "--zone", cli.zoneRoot.toString());
        log.awaitOut("line 24");
        write("foreman.1", entry(30_000, "t-1", Kind.RESULT, "appended"));
        log.awaitOut("✓ appended");
        Cli.Run stopped = log.stop();
        assertThat(stopped.out()).doesNotContain("line 15").contains("the mechanic's").containsOnlyOnce("line 16")
                .containsOnlyOnce("line 19").containsOnlyOnce("line 24");
        assertThat(stopped.out().lines().filter(l -> l.contains("  t-"))).hasSize(LogCommand.FOLLOW_TAIL + 1);

        Cli.Running task = cli.start("log", "-f", "--task", "t-2", "--zone", cli.zoneRoot.toString());
        task.awaitOut("the mechanic's");
        assertThat(task.stop().out()).doesNotContain("line ");
    }

    @Test
    void followKeepsReadingAcrossTheDaemonsRotation() throws Exception {
        write("foreman.1", entry(0, "t-1", Kind.PROMPT, "first"));
        Cli.Running log = cli.start("log", "-f", "--zone", cli.zoneRoot.toString());
        log.awaitOut("› first");
        Path live = locations.transcript(zone, "foreman.1");
        write("foreman.1", entry(1_000, "t-1", Kind.TEXT, "last of the old file"));
        Files.move(live, live.resolveSibling("foreman.1.1.jsonl"), StandardCopyOption.ATOMIC_MOVE);
        write("foreman.1", entry(2_000, "t-1", Kind.RESULT, "first of the new file"));
        log.awaitOut("✓ first of the new file");
        write("foreman.1", entry(3_000, "t-1", Kind.RESULT, "and on"));
        log.awaitOut("✓ and on");
        Cli.Run stopped = log.stop();
        assertThat(stopped.out()).containsOnlyOnce("› first").containsOnlyOnce("last of the old file")
                .containsOnlyOnce("first of the new file");
        assertThat(stopped.out().indexOf("last of the old file")).isLessThan(stopped.out().indexOf("first of the new file"));
    }

    /** The numbers of the tool calls {@link #manyWindows} wrote, as shown. */
    private static List<Integer> calls(String out) {
        return out.lines().filter(l -> l.contains("⚙ Bash n")).map(l -> Integer.parseInt(l.replaceAll(".*⚙ Bash n(\\d+).*", "$1")))
                .toList();
    }

    /** 2,500 lines of ~1.2 kB and, among the last ten, one of 1.5 MB: lines across the reader's 1 MiB windows. */
    private void manyWindows() throws IOException {
        Path file = locations.transcript(zone, "foreman.1");
        Files.createDirectories(file.getParent());
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 2_500; i++) {
                String text = "n" + i + " " + (i == 2_495 ? "y".repeat(1_500_000) : "x".repeat(1_200));
                out.write(new TranscriptEntry(T + i, i % 2 == 0 ? "t-a" : "t-b", Kind.TOOL, text, "Bash", false).toLine());
            }
        }
    }

    @Test
    void everyLineIsFoundAcrossTheReadersWindowsForwardsAndBackwards() throws Exception {
        manyWindows();
        List<Integer> even = java.util.stream.IntStream.range(0, 1_250).map(i -> 2 * i).boxed().toList();
        assertThat(calls(cli.run("log", "--task", "t-a").out())).isEqualTo(even);
        assertThat(calls(cli.run("log").out())).hasSize(2_500).isSorted();

        Cli.Running all = cli.start("log", "-f", "--zone", cli.zoneRoot.toString());
        all.awaitOut("n2499");
        assertThat(calls(all.stop().out())).containsExactly(2490, 2491, 2492, 2493, 2494, 2495, 2496, 2497, 2498, 2499);
        Cli.Running task = cli.start("log", "-f", "--task", "t-b", "--zone", cli.zoneRoot.toString());
        task.awaitOut("n2499");
        assertThat(calls(task.stop().out())).containsExactly(2481, 2483, 2485, 2487, 2489, 2491, 2493, 2495, 2497, 2499);
    }
}
