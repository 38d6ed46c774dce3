package dev.khlone.daemon.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.khlone.daemon.crew.CrewException;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TriggerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cron triggers on a test clock, against a recording crew: once per minute, skips, catch-up, a kill between firing and task. */
class TriggersTest {
    @TempDir
    Path tmp;

    /** Half a minute past 10:00 UTC. */
    final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:30Z"));
    Triggers triggers;

    @AfterEach
    void tearDown() {
        if (triggers != null) {
            triggers.close();
        }
    }

    /** The crew as the triggers see it: it records the tasks submitted, and a test ends them. */
    static final class RecordingCrew implements Triggers.Target {
        final List<Object> entries;
        final Map<String, TaskInfo> journal = new LinkedHashMap<>();
        final List<TaskInfo> submitted = new ArrayList<>();
        /** Set: the next submit dies like a daemon killed -9, after (true) or before (false) its task is journaled. */
        Boolean dieJournaled;
        volatile boolean died;

        RecordingCrew(String yaml) throws Exception {
            @SuppressWarnings("unchecked")
            Map<String, Object> top = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) top.get("triggers");
            entries = list;
        }

        /** The same crew's journal, as a new daemon finds it. */
        RecordingCrew restarted() throws Exception {
            RecordingCrew next = new RecordingCrew("triggers: []");
            next.entries.addAll(entries);
            next.journal.putAll(journal);
            return next;
        }

        /** Set: khlone.yml cannot be read, as the crew says. */
        volatile CrewException unreadable;

        @Override
        public List<Object> entries() throws CrewException {
            if (unreadable != null) {
                throw unreadable;
            }
            return entries;
        }

        @Override
        public synchronized TaskInfo submit(TaskMode mode, String prompt, String who, String trigger) throws CrewException {
            TaskInfo task = TaskInfo.queued("t-" + (journal.size() + 1), "foreman.1", mode, prompt, 1).triggeredBy(trigger);
            if (dieJournaled != null) {
                if (dieJournaled) {
                    journal.put(task.id(), task);
                }
                died = true;
                throw new Killed();
            }
            journal.put(task.id(), task);
            submitted.add(task);
            return task;
        }

        @Override
        public synchronized Optional<TaskInfo> task(String id) {
            return Optional.ofNullable(journal.get(id));
        }

        @Override
        public synchronized Optional<TaskInfo> newest(String trigger) {
            return journal.values().stream().filter(t -> trigger.equals(t.trigger())).reduce((a, b) -> b);
        }

        /** What is left of the zone's budget for today; null: no cap. */
        volatile Double dayLeft;

        @Override
        public Double dayBudgetLeft(long nowMs) {
            return dayLeft;
        }

        synchronized void endAll() {
            journal.replaceAll((id, t) -> t.status().ended() ? t : t.started(2).ended(TaskInfo.Status.DONE, "ok", null, 3));
        }

        synchronized int count() {
            return submitted.size();
        }
    }

    /** What a kill -9 does to the thread that fires: it stops there. */
    static final class Killed extends Error {}

    private static final String EVERY_MINUTE = """
            triggers:
              - name: minutely
                cron: "* * * * *"
                act: tidy up
                catch-up: true
            """;

    private void tick() throws Exception {
        triggers.tick().get(10, TimeUnit.SECONDS);
    }

    /** A tick in which the firing thread is killed: this one, or the scheduler's own just before it. */
    private void tickKilled(RecordingCrew crew) throws Exception {
        try {
            tick();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(Killed.class);
        }
        assertThat(crew.died).isTrue();
    }

    @Test
    void aMinutelyTriggerFiresOncePerMinute() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE);
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        tick();
        assertThat(crew.count()).as("nothing is due at 10:00:30").isZero();

        clock.advance(Duration.ofSeconds(30)); // 10:01:00
        tick();
        tick();
        assertThat(crew.count()).isEqualTo(1);
        assertThat(crew.submitted.get(0).trigger()).isEqualTo("minutely");
        assertThat(crew.submitted.get(0).prompt()).isEqualTo("tidy up");
        crew.endAll();

        clock.advance(Duration.ofSeconds(59)); // 10:01:59
        tick();
        assertThat(crew.count()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1)); // 10:02:00
        tick();
        assertThat(crew.count()).isEqualTo(2);

        TriggerInfo info = triggers.list().get(0);
        assertThat(info.kind()).isEqualTo("cron");
        assertThat(info.lastMs()).isEqualTo(Instant.parse("2026-11-30T10:02:00Z").toEpochMilli());
        assertThat(info.nextMs()).isEqualTo(Instant.parse("2026-11-30T10:03:00Z").toEpochMilli());
        assertThat(info.lastTask()).isEqualTo("t-2");
        assertThat(info.lastStatus()).isEqualTo("queued");
    }

    @Test
    void aFiringWhileTheZonesBudgetForTheDayIsSpentIsSkippedCountedAndSaid() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE);
        crew.dayLeft = 0.0;
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        clock.advance(Duration.ofSeconds(30)); // 10:01:00
        tick();
        assertThat(crew.count()).as("no task: it could only fail").isZero();
        TriggerInfo info = triggers.list().get(0);
        assertThat(info.skipped()).isEqualTo(1);
        assertThat(info.lastStatus()).isEqualTo("not started: the zone's budget for today is spent");

        crew.dayLeft = 0.40; // a new day, or a raised budget.day
        clock.advance(Duration.ofSeconds(60)); // 10:02:00
        tick();
        assertThat(crew.count()).isEqualTo(1);
        assertThat(triggers.list().get(0).lastStatus()).isEqualTo("queued");
    }

    @Test
    void aFiringWhileItsTaskRunsIsSkippedAndCounted() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE);
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        clock.advance(Duration.ofSeconds(30));
        tick();
        assertThat(crew.count()).isEqualTo(1); // t-1 is still queued

        clock.advance(Duration.ofMinutes(1));
        tick();
        clock.advance(Duration.ofMinutes(1));
        tick();
        assertThat(crew.count()).isEqualTo(1);
        assertThat(triggers.list().get(0).skipped()).isEqualTo(2);
        triggers.close();
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        assertThat(triggers.list().get(0).skipped()).as("a daemon that starts again still counts them, and the catch-up"
                + " firing it let go (t-1 is still queued)").isEqualTo(3);
        assertThat(crew.count()).isEqualTo(1);

        crew.endAll();
        clock.advance(Duration.ofMinutes(1));
        tick();
        assertThat(crew.count()).isEqualTo(2);
    }

    @Test
    void aFiringQueuesBehindItsRunningTaskWithOverlapQueue() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE.replace("catch-up: true", "overlap: queue"));
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        clock.advance(Duration.ofSeconds(30));
        tick();
        clock.advance(Duration.ofMinutes(1));
        tick();
        assertThat(crew.count()).isEqualTo(2);
        assertThat(triggers.list().get(0).skipped()).isZero();
    }

    @Test
    void aDaemonDownAcrossTwoFiringsCatchesUpOnce() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE);
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        clock.advance(Duration.ofSeconds(30)); // 10:01
        tick();
        assertThat(crew.count()).isEqualTo(1);
        crew.endAll();
        triggers.close();

        clock.advance(Duration.ofSeconds(150)); // 10:03:30: 10:02 and 10:03 were missed
        RecordingCrew after = crew.restarted();
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, after);
        tick();
        tick();
        assertThat(after.count()).as("one catch-up, not one per missed firing").isEqualTo(1);
        assertThat(triggers.list().get(0).lastMs()).isEqualTo(Instant.parse("2026-11-30T10:03:00Z").toEpochMilli());
        after.endAll();

        clock.advance(Duration.ofSeconds(30)); // 10:04
        tick();
        assertThat(after.count()).isEqualTo(2);
    }

    @Test
    void withoutCatchUpTheMissedFiringsAreLetGo() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE.replace("catch-up: true", "catch-up: false"));
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        clock.advance(Duration.ofSeconds(30));
        tick();
        crew.endAll();
        triggers.close();

        clock.advance(Duration.ofSeconds(150));
        RecordingCrew after = crew.restarted();
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, after);
        tick();
        assertThat(after.count()).isZero();
    }

    @Test
    void aKillAfterTheFiringBeforeItsTaskIsJournaledRunsItOnceOnRestart() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE.replace("catch-up: true", "catch-up: false"));
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        crew.dieJournaled = false;
        clock.advance(Duration.ofSeconds(30));
        tickKilled(crew);
        triggers.close();
        assertThat(crew.journal).isEmpty();

        RecordingCrew after = crew.restarted();
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, after);
        tick();
        assertThat(after.count()).as("the firing is not lost").isEqualTo(1);
        assertThat(triggers.list().get(0).lastTask()).isEqualTo(after.submitted.get(0).id());
    }

    @Test
    void aKillAfterItsTaskIsJournaledDoesNotRunItAgain() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE.replace("catch-up: true", "catch-up: false"));
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        crew.dieJournaled = true;
        clock.advance(Duration.ofSeconds(30));
        tickKilled(crew);
        triggers.close();
        assertThat(crew.journal).hasSize(1);

        RecordingCrew after = crew.restarted();
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, after);
        tick();
        assertThat(after.count()).as("the journaled task is the firing's; it does not run twice").isZero();
        assertThat(triggers.list().get(0).lastTask()).isEqualTo("t-1");

        // And the trigger goes on: its task still queued, the next firing is an overlap.
        clock.advance(Duration.ofMinutes(1));
        tick();
        assertThat(triggers.list().get(0).skipped()).isEqualTo(1);
    }

    @Test
    void aBadTriggerIsAnErrorNamingItsEntryAndFieldAndTheOthersRun() throws Exception {
        RecordingCrew crew = new RecordingCrew("""
                triggers:
                  - name: broken
                    cron: "0 9 * *"
                    act: x
                  - name: nameless-ask
                    watch: ["src/**"]
                  - name: wrong-who
                    cron: "* * * * *"
                    act: x
                    who: "mech anic!"
                  - name: minutely
                    cron: "* * * * *"
                    ask: how is it going?
                """);
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        List<TriggerInfo> list = triggers.list();
        assertThat(list).extracting(TriggerInfo::name).containsExactly("broken", "nameless-ask", "wrong-who", "minutely");
        assertThat(list.get(0).error()).startsWith("khlone.yml: triggers.broken.cron: '0 9 * *' must have five fields");
        assertThat(list.get(1).error()).startsWith("khlone.yml: triggers.nameless-ask.act: give the task as one of act: or ask:");
        assertThat(list.get(2).error()).startsWith("khlone.yml: triggers.wrong-who.who: ");
        assertThat(list.get(3).error()).isNull();

        clock.advance(Duration.ofSeconds(30));
        tick();
        assertThat(crew.submitted).extracting(TaskInfo::mode).containsExactly(TaskMode.ASK);
    }

    @Test
    void runFiresNowAndAnUnknownNameIsRefused() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE);
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        assertThat(triggers.run("minutely").trigger()).isEqualTo("minutely");
        assertThat(crew.count()).isEqualTo(1);
        try {
            triggers.run("hourly");
            throw new AssertionError("ran a trigger khlone.yml does not have");
        } catch (CrewException e) {
            assertThat(e.getMessage()).isEqualTo("there is no trigger hourly in khlone.yml");
            assertThat(e.reply("1").code()).isEqualTo(ErrorCode.BAD_REQUEST.wire());
        }
    }

    @Test
    void anUnreadableKhloneYmlKeepsTheTriggersAsTheyWereAndIsSaid() throws Exception {
        RecordingCrew crew = new RecordingCrew(EVERY_MINUTE);
        crew.unreadable = new CrewException(ErrorCode.BAD_REQUEST, "khlone.yml: unknown key 'trigers'", "fix it");
        triggers = Triggers.start(tmp, tmp.resolve("triggers.json"), clock, crew);
        try {
            triggers.list();
            throw new AssertionError("listed no triggers without saying why");
        } catch (CrewException e) {
            assertThat(e.getMessage()).isEqualTo("khlone.yml: unknown key 'trigers'");
        }
        assertThat(triggers.any()).isFalse();

        crew.unreadable = null;
        assertThat(triggers.list()).extracting(TriggerInfo::name).containsExactly("minutely");
        assertThat(triggers.any()).isTrue();
        crew.unreadable = new CrewException(ErrorCode.BAD_REQUEST, "khlone.yml: unknown key 'trigers'", "fix it");
        assertThat(triggers.list().get(0).error()).isEqualTo("khlone.yml: unknown key 'trigers'");
        clock.advance(Duration.ofSeconds(30));
        tick();
        assertThat(crew.count()).as("the trigger goes on as it was").isEqualTo(1);
    }

    @Test
    void aPromptNamesAHundredFilesAndCountsTheRest() {
        List<String> files = java.util.stream.IntStream.range(0, 150).mapToObj(i -> String.format("src/f%03d.txt", i)).toList();
        String prompt = Starter.prompt("review {files}", Firings.Firing.of(0, new java.util.TreeSet<>(files)));
        assertThat(prompt).startsWith("review src/f000.txt src/f001.txt").contains("src/f099.txt").doesNotContain("src/f100.txt")
                .endsWith(" (and 50 more)");
        assertThat(Starter.prompt("nightly run", Firings.Firing.of(0, List.of()))).isEqualTo("nightly run");
    }
}
