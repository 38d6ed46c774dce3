package dev.khlone.dist.storm;

import dev.khlone.dist.BrainZone;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * KHLONE_HOME on a 2 MiB tmpfs filled to the last byte while a task runs and two wait behind it:
 * the task's {@code --await} client is told at once, new work is refused with a clear message
 * (or, if taken, not lost), nothing accepted is lost, and once space is freed the zone works
 * again without running an ended task a second time, even across a restart.
 */
record FullDiskStorm() implements Storm {
    private static final Duration TURN = Duration.ofSeconds(8);
    private static final int MAX_SUBMITS_WHILE_FULL = 12;
    /** A refusal as users get errors: one line saying what went wrong, a hint, no stack trace; it must name KHLONE_HOME or its path. */
    private static final Pattern CLEAR = Pattern.compile("khlone: [^\n]+\n\s*hint: [^\n]+\n?");

    @Override
    public String name() {
        return "full disk";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        StormZone zone = new StormZone();
        Path home = zone.khlone().locations().home();
        Optional<String> refused = mount(home);
        if (refused.isPresent()) {
            zone.close();
            return Counts.notRun(name(), refused.get());
        }
        try {
            return storm(zone, tally, home);
        } finally {
            zone.close(); // leaves the mount point and the directory it is in
            run("umount", home.toString());
            try {
                Files.deleteIfExists(home.resolve("zone.key")); // the one under the mount
                Files.deleteIfExists(home);
                Files.deleteIfExists(zone.khlone().root());
            } catch (IOException e) {
                System.err.println("full disk storm: could not remove " + zone.khlone().root() + ": " + e);
            }
        }
    }

    private Counts storm(StormZone zone, Tally tally, Path home) throws Exception {
        Result warm = zone.run("act", "--await", "before the disk fills");
        StormZone.accepted(warm).ifPresent(tally::accepted);
        if (warm.exitCode() != 0) {
            tally.clientFailure("khlone act --await before the disk fills: " + StormZone.oneLine(warm));
        }
        zone.brain.model.enqueue(BrainZone.slow("slow words", TURN));
        Path awaitOut = zone.khlone().root().resolve("await.out");
        Process awaiting = zone.khlone().command(zone.brain.dir, "act", "--await", "ends while the disk is full")
                .redirectOutput(awaitOut.toFile()).redirectErrorStream(true).start();
        zone.brain.model.awaitTurns(zone.brain.model.turns().size() + 1, StormZone.ENDS_WITHIN);
        zone.act(tally, "queued before the disk fills, one");
        zone.act(tally, "queued before the disk fills, two");

        Path filler = home.resolve("filler");
        fill(filler);
        // A file's last page may still take a record or two: submit until the journal is out of room.
        List<String> whileFull = new ArrayList<>();
        for (int i = 0; i < MAX_SUBMITS_WHILE_FULL; i++) {
            Result r = zone.run("act", "submitted while the disk is full " + i);
            Optional<String> id = StormZone.accepted(r);
            if (r.exitCode() == 0 && id.isPresent()) {
                tally.accepted(id.get());
                whileFull.add("accepted");
                continue;
            }
            if (r.exitCode() == 1 && CLEAR.matcher(r.err()).matches()
                    && (r.err().contains("KHLONE_HOME") || r.err().contains(home.toString()))) {
                whileFull.add("refused: " + r.err().trim().replace('\n', ' '));
            } else {
                whileFull.add("refused unclearly");
                tally.clientFailure("a submit while the disk is full got no clear answer naming where the disk is full: "
                        + StormZone.oneLine(r));
            }
            break;
        }
        if (whileFull.stream().noneMatch(w -> w.startsWith("refused"))) {
            tally.broken("the zone took every submit while the disk was full");
        }
        tally.note("while the disk was full: " + whileFull);
        if (!awaiting.isAlive()) {
            tally.note("the slow task ended before the disk was full: how a task ends on a full disk went untried");
        }

        // The slow task ends while the disk is full: its awaiting client must hear of it, not wait.
        boolean answered = awaiting.waitFor(TURN.toSeconds() + 20, TimeUnit.SECONDS);
        Files.delete(filler);
        if (!answered) {
            answered = awaiting.waitFor(30, TimeUnit.SECONDS);
            String said = Files.readString(awaitOut, StandardCharsets.UTF_8).trim().replace('\n', ' ');
            tally.clientFailure("the --await client of a task that ended while the disk was full waited until space was freed"
                    + (answered ? "" : ", and longer") + (said.isEmpty() ? "" : ": " + said));
        }
        if (!answered) {
            awaiting.destroyForcibly();
        }
        // Its "✓ t-xxxx" line says the task was accepted, whatever came of the client.
        StormZone.accepted(new Result(0, Files.readString(awaitOut, StandardCharsets.UTF_8), "")).ifPresent(tally::accepted);

        zone.awaitEnded(tally.acceptedSoFar());
        Result after = zone.run("act", "--await", "after space is freed");
        StormZone.accepted(after).ifPresent(tally::accepted);
        if (after.exitCode() != 0) {
            tally.clientFailure("khlone act --await after space was freed: " + StormZone.oneLine(after));
        }
        // A task whose end was written late must not run again after a restart.
        zone.killDaemon();
        Result restarted = zone.run("status");
        if (restarted.exitCode() != 0) {
            tally.broken("the zone did not start again after the disk was full: " + StormZone.oneLine(restarted));
        }
        // The scenario, not a wait for an event: nothing may run again for 3 s, long enough for a task
        // run again by mistake to show in the journal.
        Thread.sleep(3_000);
        return tally.count(zone.awaitEnded(tally.acceptedSoFar(), Duration.ofSeconds(20)), zone.sideEffects());
    }

    /**
     * Mounts a 2 MiB tmpfs on the state directory, which holds only the zone key yet; the key is
     * copied onto it (else the daemon would make another, the zone would get another id, and the
     * storm would read a journal nobody writes). Why not, if it cannot.
     */
    private static Optional<String> mount(Path home) throws Exception {
        Path keyFile = home.resolve("zone.key");
        byte[] key = Files.readAllBytes(keyFile);
        Result r = run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", home.toString());
        if (r.exitCode() != 0) {
            return Optional.of("mount -t tmpfs was refused here (" + StormZone.oneLine(r) + ")");
        }
        Files.write(Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), key);
        return Optional.empty();
    }

    private static Result run(String... command) {
        return KhloneHarness.run(new ProcessBuilder(command));
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path filler) {
        byte[] block = new byte[4096];
        try (OutputStream out = new FileOutputStream(filler.toFile())) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            // full; a byte more may still fit in the last block: fill it too
            try (OutputStream out = new FileOutputStream(filler.toFile(), true)) {
                while (true) {
                    out.write(0);
                }
            } catch (IOException full) {
                // no space left on device
            }
        }
    }
}
