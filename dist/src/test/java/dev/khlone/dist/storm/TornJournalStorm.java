package dev.khlone.dist.storm;

import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The daemon killed while it appends to the task journal, as a crash or a full disk leaves it:
 * first half a record appended after the last one, then the last record cut in half. Each time
 * the zone must start again, run what was accepted, take new work — and start again after that,
 * when the next record has been appended behind the torn one.
 */
record TornJournalStorm() implements Storm {
    @Override
    public String name() {
        return "torn journal";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        try (StormZone zone = new StormZone()) {
            // The second tear only on a zone that came through the first.
            if (tear(zone, tally, "half a record appended", 2, false, TornJournalStorm::appendHalfARecord)) {
                // A crash can tear only a record no client was told of: here the start of a task that
                // waited in the queue (its acceptance was an earlier record), which then runs again. A
                // task that starts at once is accepted and started in one record, forced before its
                // client hears of it: no crash tears that one.
                tear(zone, tally, "the last record cut in half", 1, true, TornJournalStorm::cutTheLastRecord);
            }
            return tally.count(zone.awaitEnded(tally.acceptedSoFar()), zone.sideEffects());
        }
    }

    private interface Tear {
        void apply(Path journal) throws IOException;
    }

    /**
     * A task in flight and some queued behind it, the daemon killed, the journal torn; then two
     * starts. With {@code firstEnds}, the first task ends and the first queued one is in flight when
     * the daemon is killed. True if the zone came through.
     */
    private static boolean tear(StormZone zone, Tally tally, String how, int queued, boolean firstEnds, Tear tear)
            throws Exception {
        if (firstEnds) {
            // Streamed slowly enough that the next task is queued behind it, not started at once.
            zone.brain.model.enqueue(Reply.text("this reply streams for a few seconds so that the next task waits in the queue")
                    .withChunkDelay(Duration.ofMillis(250)));
        }
        zone.brain.model.enqueue(Reply.hang());
        int turns = zone.brain.model.turns().size();
        Optional<String> first = zone.act(tally, (firstEnds ? "ends before the journal tears (" : "in flight while the journal tears (")
                + how + ")");
        Optional<String> inFlight = first;
        for (int i = 0; i < queued; i++) {
            Optional<String> behind = zone.act(tally, "queued behind it (" + how + ") " + i);
            if (firstEnds && i == 0) {
                inFlight = behind;
            }
        }
        if (inFlight.isEmpty() || first.isEmpty()) {
            return false;
        }
        zone.brain.model.awaitTurns(turns + (firstEnds ? 2 : 1), StormZone.ENDS_WITHIN);
        if (!zone.killDaemon()) {
            tally.broken(how + ": the daemon could not be killed");
            return false;
        }
        inFlight.ifPresent(tally::crashed);
        if (firstEnds) {
            List<String> records = Files.readAllLines(zone.journalFile());
            String last = records.get(records.size() - 1);
            if (!last.contains(inFlight.get()) || !last.contains("\"status\":\"active\"")) {
                tally.broken(how + ": the last record is not the queued task's start, so the tear tests nothing: " + last);
                return false;
            }
        }
        tear.apply(zone.journalFile());
        if (!start(zone, tally, how)) {
            return false;
        }
        zone.awaitEnded(tally.acceptedSoFar());
        Result after = zone.run("act", "--await", "after the tear (" + how + ")");
        StormZone.accepted(after).ifPresent(tally::accepted);
        if (after.exitCode() != 0) {
            tally.clientFailure("khlone act --await after the tear (" + how + "): " + StormZone.oneLine(after));
        }
        // The next record has been appended behind the torn one: the zone must start on that journal too.
        zone.killDaemon();
        return start(zone, tally, how + ", then a record appended");
    }

    private static boolean start(StormZone zone, Tally tally, String how) {
        Result r = zone.run("status");
        if (r.exitCode() != 0) {
            tally.broken("the zone did not start after " + how + ": " + StormZone.oneLine(r));
            return false;
        }
        return true;
    }

    private static void appendHalfARecord(Path journal) throws IOException {
        List<String> lines = Files.readAllLines(journal);
        String last = lines.get(lines.size() - 1);
        Files.writeString(journal, last.substring(0, last.length() / 2), StandardOpenOption.APPEND);
    }

    private static void cutTheLastRecord(Path journal) throws IOException {
        byte[] bytes = Files.readAllBytes(journal);
        int end = bytes.length - 1; // the last record's newline
        int start = end;
        while (start > 0 && bytes[start - 1] != '\n') {
            start--;
        }
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(start + (end - start) / 2);
        }
    }
}
