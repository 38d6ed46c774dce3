package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** khlone.yml triggers end to end, through the installed khlone and the fake brain. */
class TriggersIT {
    KhloneHarness khlone;
    Path zone;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        zone = FakeBrainService.zone(khlone, "triggers");
        Files.createDirectories(zone.resolve("src"));
        Files.writeString(zone.resolve("khlone.yml"), """
                hero: foreman@fake
                triggers:
                  - name: src
                    watch: ["src/**"]
                    debounce: 1s
                    ask: "echo changed {files}"
                  - name: tick
                    cron: "0 9 * * 1-5"
                    act: echo tick
                  - name: broken
                    cron: "0 9"
                    act: x
                """);
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    @Test
    void aWatchAndACronTriggerRunTheirTasksAndTriggersShowsThem() throws Exception {
        KhloneHarness.Result list = khlone.run(zone, "triggers");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("src", "watch", "tick", "cron", "0 9 * * 1-5", "broken", "invalid")
                .contains("error: khlone.yml: triggers.broken.cron: '0 9' must have five fields");

        // A file change under the root starts the watch trigger's task, which names the file.
        Files.writeString(zone.resolve("src/a.txt"), "a change");
        String tasks = Await.value(Duration.ofSeconds(30), "the watch trigger's task is done", () -> {
            String out = khlone.run(zone, "tasks").out();
            return out.contains("[src] echo changed src/a.txt") && out.contains("done") ? java.util.Optional.of(out)
                    : java.util.Optional.empty();
        });
        assertThat(tasks).contains("foreman.1");

        // A cron trigger fired by hand.
        KhloneHarness.Result run = khlone.run(zone, "triggers", "run", "tick");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).matches("✓ t-\\w+ → foreman\\.1  \\(trigger tick\\)\\s*");
        String id = run.out().split(" ")[1];
        assertThat(khlone.run(zone, "wait", id).exitCode()).isZero();
        String json = khlone.run(zone, "triggers", "--json").out();
        assertThat(json).contains("\"lastTask\" : \"" + id + "\"", "\"lastStatus\" : \"done\"");
        assertThat(khlone.run(zone, "status", "--task", id).out()).contains("tick (khlone.yml)");
        assertThat(khlone.run(zone, "log", "--task", id).out()).contains("started by the trigger tick of khlone.yml");

        KhloneHarness.Result unknown = khlone.run(zone, "triggers", "run", "nope");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("khlone: there is no trigger nope in khlone.yml", "hint: khlone triggers lists them");
    }

    @Test
    void aDaemonWithTriggersStaysWhenIdleExitWouldEndIt() throws Exception {
        khlone.env().put("KHLONE_IDLE_EXIT", "2s");
        assertThat(khlone.run(zone, "triggers").exitCode()).isZero();
        long pid = khlone.daemonPid(khlone.zone(zone)).orElseThrow();
        assertThat(Await.within(Duration.ofSeconds(5), () -> !KhloneHarness.running(pid)))
                .as("its triggers keep the daemon").isFalse();
    }
}
