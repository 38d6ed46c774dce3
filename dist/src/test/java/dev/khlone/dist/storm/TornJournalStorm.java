package dev.khlone.dist.storm;

import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
            if (tear(zone, tally, "half a record appended", 2, TornJournalStorm::appendHalfARecord)) {
                // Nothing queued this time: the last record is then the running task's start, which a
                // torn write may lose (it runs again), never a task's acceptance, which was acknowledged.
                tear(zone, tally, "the last record cut in half", 0, TornJournalStorm::cutTheLastRecord);
            }
            return tally.count(zone.awaitEnded(tally.acceptedSoFar()), zone.sideEffects());
        }
    }

    private interface Tear {
        void apply(Path journal) throws IOException;
    }

    /** A task in flight and some queued behind it, the daemon killed, the journal torn; then two starts. True if the zone came through. */
    private static boolean tear(StormZone zone, Tally tally, String how, int queued, Tear tear) throws Exception {
        zone.brain.model.enqueue(Reply.hang());
        int turns = zone.brain.model.turns().size();
        Optional<String> inFlight = zone.act(tally, "in flight while the journal tears (" + how + ")");
        for (int i = 0; i < queued; i++) {
            zone.act(tally, "queued behind it (" + how + ") " + i);
        }
        if (inFlight.isEmpty()) {
            return false;
        }
        zone.brain.model.awaitTurns(turns + 1, StormZone.ENDS_WITHIN);
        if (!zone.killDaemon()) {
            tally.broken(how + ": the daemon could not be killed");
            return false;
        }
        inFlight.ifPresent(tally::crashed);
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
