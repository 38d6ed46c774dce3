package dev.khlone.dist.storm;

import dev.khlone.testkit.KhloneHarness.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * kill -9 of the daemon while tasks are queued and running, round after round, and every other
 * round once more while it is starting again (restoring its crew, re-dispatching); the next
 * {@code khlone status} starts it again each time, as it would for a user.
 */
record DaemonKillStorm() implements Storm {
    private static final int TASKS_PER_ROUND = 2;
    /** Longer than a daemon takes to come back and re-dispatch, so a tool command of the dead one is still asleep then. */
    private static final Duration PAUSE = Duration.ofSeconds(3);

    @Override
    public String name() {
        return "daemon kill -9";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        try (StormZone zone = new StormZone()) {
            zone.work(PAUSE);
            int kills = 0;
            for (int round = 0; round < size.daemonKillRounds(); round++) {
                for (int i = 0; i < TASKS_PER_ROUND; i++) {
                    zone.act(tally, Work.prompt("w-daemon-" + (round * TASKS_PER_ROUND + i)));
                }
                // The storm's randomness, not a wait for an event: the kill lands while tasks queue and run.
                Thread.sleep(ThreadLocalRandom.current().nextLong(3_000));
                kills += kill(zone, tally);
                restart(zone, tally);
                if (round % 2 == 1) {
                    // ... and again while the daemon is starting: restoring its crew, re-dispatching.
                    Thread.sleep(ThreadLocalRandom.current().nextLong(500));
                    kills += kill(zone, tally);
                    restart(zone, tally);
                }
            }
            tally.note(kills + " daemons killed");
            Map<String, Map<String, Object>> ends = zone.awaitEnded(tally.acceptedSoFar());
            return tally.count(ends, zone.sideEffects());
        }
    }

    /** kill -9 of the daemon; every task not yet ended may be re-dispatched once for it. */
    private static int kill(StormZone zone, Tally tally) {
        Map<String, Map<String, Object>> journal = zone.journal();
        List<String> inFlight = tally.acceptedSoFar().stream().filter(id -> !StormZone.ended(journal.get(id))).toList();
        if (!zone.killDaemon()) {
            return 0;
        }
        inFlight.forEach(tally::crashed);
        return 1;
    }

    private static void restart(StormZone zone, Tally tally) {
        Result r = zone.run("status");
        if (r.exitCode() != 0) {
            tally.clientFailure("khlone status after a kill: " + StormZone.oneLine(r));
        }
    }
}
