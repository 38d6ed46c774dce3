package dev.khlone.dist.storm;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kill -9 of the brain at a random moment of each task (while it thinks, while its tool runs,
 * just before it ends), the way an OOM kill takes it: the brain alone, its tool's shell left to
 * whatever the daemon does about it. A clone failed by its crash breaker is revived with
 * {@code khlone reboot}, as its hint says.
 */
record BrainKillStorm() implements Storm {
    private static final String HERO = "foreman.1";
    /**
     * The tool's pause: longer than a crashed brain takes to come back (1 s backoff, a new claude, a
     * turn), so a command the killed attempt left running is still asleep when the re-run checks.
     */
    private static final Duration PAUSE = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "brain kill -9";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        try (StormZone zone = new StormZone()) {
            zone.work(PAUSE);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < size.brainKillTasks(); i++) {
                zone.act(tally, Work.prompt("w-kill-" + i)).ifPresent(ids::add);
            }
            int kills = 0;
            AtomicInteger reboots = new AtomicInteger();
            for (String id : ids) {
                if (!awaitRunning(zone, id, tally, reboots)) {
                    continue;
                }
                // The storm's randomness, not a wait for an event: the kill lands anywhere from its first
                // words to the end of its tool's pause (status takes a while too).
                Thread.sleep(ThreadLocalRandom.current().nextLong(PAUSE.toMillis()));
                Optional<Map<String, Object>> now = zone.clone(HERO);
                Optional<ProcessHandle> brain = now.filter(c -> id.equals(c.get("task")))
                        .map(c -> ((Number) c.get("pid")).longValue()).flatMap(ProcessHandle::of);
                if (brain.isPresent()) {
                    long killedAt = System.currentTimeMillis();
                    tally.crashed(id);
                    brain.get().destroyForcibly();
                    kills++;
                    creditTheTaskItCut(zone, ids, id, killedAt, tally);
                }
            }
            // The last kills may have failed the clone with tasks still queued.
            Await.within(StormZone.ENDS_WITHIN, () -> {
                if (ids.stream().allMatch(id -> StormZone.ended(zone.journal().get(id)))) {
                    return true;
                }
                revive(zone, zone.clone(HERO), tally, reboots);
                return false;
            });
            tally.note(kills + " brains killed; the clone failed and was rebooted " + reboots + " times");
            return tally.count(zone.awaitEnded(ids), zone.sideEffects());
        }
    }

    /**
     * The status was read a moment before the kill, and the brain's process is the same for task after
     * task: if {@code id} ended in that moment, the kill cut short the task begun after it. That one
     * gets the crash, as the journal tells it (when each task ended, and when the next first began).
     */
    private static void creditTheTaskItCut(StormZone zone, List<String> ids, String id, long killedAt, Tally tally) {
        Map<String, Map<String, Object>> journal = zone.journal();
        Map<String, Object> aimed = journal.get(id);
        if (!"done".equals(aimed == null ? null : aimed.get("status")) || millis(aimed, "endedMs") > killedAt) {
            return; // it was running when killed
        }
        for (String other : ids) {
            long started = millis(journal.get(other), "startedMs");
            if (!other.equals(id) && started >= millis(aimed, "endedMs") && started <= killedAt) {
                tally.crashed(other);
                tally.note("the kill aimed at " + id + " came as it ended: it cut " + other + " short");
                return;
            }
        }
    }

    private static long millis(Map<String, Object> task, String field) {
        return task != null && task.get(field) instanceof Number n ? n.longValue() : -1;
    }

    /** Waits until the task is the hero's running task; false if it ended first or never ran. */
    private static boolean awaitRunning(StormZone zone, String id, Tally tally, AtomicInteger reboots) {
        AtomicBoolean running = new AtomicBoolean();
        Await.within(StormZone.ENDS_WITHIN, () -> {
            if (StormZone.ended(zone.journal().get(id))) {
                return true;
            }
            Optional<Map<String, Object>> clone = zone.clone(HERO);
            if (clone.isPresent() && id.equals(clone.get().get("task"))) {
                running.set(true);
                return true;
            }
            revive(zone, clone, tally, reboots);
            return false;
        });
        return running.get();
    }

    /** Reboots the hero if its crash breaker failed it, as the hint says. */
    private static void revive(StormZone zone, Optional<Map<String, Object>> clone, Tally tally, AtomicInteger reboots) {
        if (clone.isEmpty() || !"failed".equals(clone.get().get("state"))) {
            return;
        }
        reboots.incrementAndGet();
        Result r = zone.run("reboot", HERO);
        if (r.exitCode() != 0) {
            tally.clientFailure("khlone reboot " + HERO + ": " + StormZone.oneLine(r));
        }
    }
}
