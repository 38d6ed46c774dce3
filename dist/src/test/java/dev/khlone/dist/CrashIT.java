package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crashes as a user meets them: the installed daemon killed with -9 while a brain's tool child
 * that left its session is about to act, and a clone that keeps crashing. The brain is the
 * scripted fake, loaded as a plugin, because no real brain can be made to crash on cue.
 */
class CrashIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    KhloneHarness khlone;
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        dir = FakeBrainService.zone(khlone, "crash");
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    @Test
    void aToolChildThatLeftItsBrainsSessionIsGoneBeforeTheNextDaemonRunsTheTaskAgain() throws Exception {
        Path file = khlone.root().resolve("side-effect");
        String id = submit("act", "escape 2 3 " + file);
        Path started = Path.of(file + ".started");
        long escapee = Long.parseLong(Await.value(WAIT, "the tool child started", () -> lines(started), l -> !l.isEmpty()).get(0));
        long daemon = khlone.daemonPid(khlone.zone(dir)).orElseThrow();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        assertThat(KhloneHarness.awaitExit(daemon, Duration.ofSeconds(10))).isTrue();
        assertThat(KhloneHarness.running(escapee)).as("a daemon's death alone leaves the tool child running").isTrue();

        ok("status");
        assertThat(KhloneHarness.running(escapee)).as("the next daemon ended it").isFalse();
        Map<String, Object> task = Await.value(WAIT, id + " done", () -> task(id), t -> "done".equals(t.get("status")));
        assertThat(task.get("interruptions")).isEqualTo(List.of("the daemon died during it"));
        assertThat(lines(file)).as("the line of the second attempt only").hasSize(1);
    }

    @Test
    void aFailedCloneTellsItsAwaitersAtOnceRefusesAPlainActAndRunsItsQueueAfterAReboot() throws Exception {
        submit("act", "crash");
        submit("act", "crash");
        Await.value(WAIT, "foreman.1 failed", () -> hero().get("state"), "failed"::equals);
        String failure = (String) hero().get("failure");
        assertThat(failure).isEqualTo("the brain exited with code 3; it crashed 4 times in 60 s");

        Result awaited = khlone.run(dir, "act", "--await", "--who", "foreman.1", "patient");
        assertThat(awaited.exitCode()).as(awaited.toString()).isEqualTo(1);
        String id = awaited.err().replaceAll("(?s).*?(t-[0-9a-f]+).*", "$1");
        assertThat(awaited.err()).contains("khlone: foreman.1 has failed (" + failure + "); " + id + " waits in its queue\n"
                + "  hint: revive it: khlone reboot foreman.1 (or khlone cancel " + id + ")");

        Result refused = khlone.run(dir, "act", "anything");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("khlone: foreman.1 has failed: " + failure + "\n"
                + "  hint: khlone reboot foreman.1, or --who foreman++ for a new clone\n");
        assertThat(ok("status", "--json").out()).doesNotContain("foreman.2");

        ok("reboot", "foreman.1");
        assertThat(Await.value(WAIT, id + " done", () -> task(id), t -> "done".equals(t.get("status"))).get("result"))
                .isEqualTo("echo: patient");
    }

    @Test
    void aDaemonStartedByABrainsToolIsNotMarkedAsThatBrainsWork() throws Exception {
        khlone.env().put("KHLONE_BRAIN", "another-zone/foreman.1");
        ok("status");
        long daemon = khlone.daemonPid(khlone.zone(dir)).orElseThrow();
        String environ = Files.readString(Path.of("/proc/" + daemon + "/environ"));
        assertThat(environ).contains("FAKE_BRAIN_HOME=").doesNotContain("KHLONE_BRAIN=");
    }

    @Test
    void aToolChildThatLeftItsBrainBecomesTheDaemonsAndIsReapedWhenItEnds() throws Exception {
        Path file = khlone.root().resolve("parent");
        ok("act", "--await", "detach 1 " + file);
        long daemon = khlone.daemonPid(khlone.zone(dir)).orElseThrow();
        String parent = Await.value(WAIT, "the tool child wrote its parent", () -> lines(file), l -> !l.isEmpty()).get(0);
        assertThat(Long.parseLong(parent.trim())).as("re-parented to the daemon, not to init").isEqualTo(daemon);
        Await.value(WAIT, "no zombie left under the daemon", () -> zombieChildren(daemon), List::isEmpty);
    }

    private static List<Long> zombieChildren(long parent) throws java.io.IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).filter(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return fields[0].equals("Z") && Long.parseLong(fields[1]) == parent;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    private Result ok(String... args) {
        Result r = khlone.run(dir, args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private String submit(String... args) {
        return ok(args).out().replaceAll("(?s).*?(t-[0-9a-f]+).*", "$1");
    }

    private Map<String, Object> task(String id) {
        return Json.parseObject(ok("status", "--task", id, "--json").out());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> hero() {
        return ((List<Map<String, Object>>) Json.parseObject(ok("status", "--json").out()).get("clones")).get(0);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
