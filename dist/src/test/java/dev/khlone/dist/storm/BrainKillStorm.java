package dev.khlone.dist.storm;

import dev.khlone.testkit.KhloneHarness.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
                Optional<Map<String, Object>> clone = awaitRunning(zone, id, tally, reboots);
                if (clone.isEmpty()) {
                    continue;
                }
                // Anywhere from its first words to the end of its tool's pause (status takes a while too).
                Thread.sleep(ThreadLocalRandom.current().nextLong(PAUSE.toMillis()));
                Optional<Map<String, Object>> now = zone.clone(HERO);
                if (now.isPresent() && id.equals(now.get().get("task")) && now.get().get("pid") instanceof Number pid) {
                    ProcessHandle.of(pid.longValue()).ifPresent(brain -> {
                        tally.crashed(id);
                        brain.destroyForcibly();
                    });
                    kills++;
                }
                Thread.sleep(300);
                revive(zone, tally, reboots);
            }
            tally.note(kills + " brains killed; the clone failed and was rebooted " + reboots + " times");
            Map<String, Map<String, Object>> ends = zone.awaitEnded(ids);
            return tally.count(ends, zone.sideEffects());
        }
    }

    /** Waits until the task is the hero's running task (or has ended, or the clone failed), polling as a script would. */
    private static Optional<Map<String, Object>> awaitRunning(StormZone zone, String id, Tally tally,
            AtomicInteger reboots) throws InterruptedException {
        long deadline = System.nanoTime() + StormZone.ENDS_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (StormZone.ended(zone.journal().get(id))) {
                return Optional.empty();
            }
            Optional<Map<String, Object>> clone = zone.clone(HERO);
            if (clone.isPresent() && id.equals(clone.get().get("task"))) {
                return clone;
            }
            revive(zone, tally, reboots);
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    /** Reboots the hero if its crash breaker failed it, as the hint says. */
    private static void revive(StormZone zone, Tally tally, AtomicInteger reboots) {
        Optional<Map<String, Object>> clone = zone.clone(HERO);
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
