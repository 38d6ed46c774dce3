package dev.khlone.daemon.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.DaemonProcess;
import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon in a process of its own, killed with -9 between a watch trigger's firing and its
 * task's journal entry, and between that entry and the firing's end; the next daemon runs the
 * firing's task exactly once. A {@link SlowBrain} clone, enrolled by the firing, holds the task
 * before the journal has it for as long as the test needs.
 */
class TriggerKillTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    Path root;
    Path brainHome;
    Path plugin;
    Locations locations;
    Zone zone;
    Store store;
    Crew crew;
    Triggers triggers;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("zone"));
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("khlone.yml"), """
                hero: foreman@fake
                triggers:
                  - name: src
                    watch: ["src/**"]
                    debounce: 1s
                    ask: "echo {files}"
                    who: "scout@slow++"
                """);
        brainHome = Files.createDirectories(tmp.resolve("brain"));
        plugin = Files.createDirectories(tmp.resolve("plugin/META-INF/services")).getParent().getParent();
        Files.writeString(plugin.resolve("META-INF/services/dev.khlone.protocol.brain.Brain"), SlowBrain.class.getName() + "\n");
        locations = new Locations(tmp.resolve("home"), tmp.resolve("s"));
        zone = locations.zoneAt(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (triggers != null) {
            triggers.close();
        }
        if (crew != null) {
            crew.shutdown();
            store.close();
        }
    }

    private Path state(String file) {
        return locations.taskJournal(zone).resolveSibling(file);
    }

    /** Starts the daemon with the slow brain held, changes a file, and waits until the firing is written down and held. */
    private DaemonProcess firingHeld() throws Exception {
        Files.createFile(brainHome.resolve("hold"));
        DaemonProcess daemon = DaemonProcess.start(locations, zone, Map.of("FAKE_BRAIN_HOME", brainHome.toString(),
                "KHLONE_BRAIN_PATH", plugin.toString()), tmp.resolve("daemon.log"));
        Files.writeString(root.resolve("src/a.txt"), "a person's change");
        Await.until(WAIT, "the firing is written down", () -> Files.exists(state("triggers.json"))
                && Files.readString(state("triggers.json")).contains("\"pending\""));
        assertThat(Files.readString(locations.taskJournal(zone))).doesNotContain("\"trigger\":\"src\"");
        return daemon;
    }

    /** The next daemon, in this JVM: its crew and triggers on the state the killed one left. */
    private void nextDaemon() throws Exception {
        store = Store.open(locations.crewFile(zone), locations.taskJournal(zone), locations.transcripts(zone));
        Map<String, Brain> brains = Map.of("fake", FakeBrain.persistent(brainHome), "slow", new SlowBrain(brainHome));
        crew = Crew.restore(zone, store, brains, System.getenv());
        triggers = Triggers.start(root, state("triggers.json"), Clock.systemUTC(), Triggers.Target.of(crew));
    }

    private List<TaskInfo> tasks() throws Exception {
        return crew.tasks(null, 100).stream().filter(t -> "src".equals(t.trigger())).toList();
    }

    private TaskInfo done() {
        return Await.value(WAIT, "the firing's task is done", () -> tasks().stream().findFirst()
                .filter(t -> t.status() == TaskInfo.Status.DONE));
    }

    @Test
    void killedBeforeItsTaskIsJournaledTheFiringRunsOnceInTheNextDaemon() throws Exception {
        try (DaemonProcess daemon = firingHeld()) {
            daemon.kill();
        }
        Files.delete(brainHome.resolve("hold"));
        nextDaemon();
        assertThat(done().prompt()).isEqualTo("echo src/a.txt");
        triggers.tick().get();
        assertThat(tasks()).hasSize(1);
        assertThat(triggers.list().get(0).lastTask()).isEqualTo(tasks().get(0).id());
    }

    @Test
    void killedAfterItsTaskIsJournaledTheNextDaemonRunsItOnceAndFiresNothing() throws Exception {
        try (DaemonProcess daemon = firingHeld()) {
            // The firing's end cannot be written: triggers.json keeps the firing pending when the task is journaled.
            Files.createDirectories(state("triggers.json.tmp").resolve("in-the-way"));
            Files.delete(brainHome.resolve("hold"));
            Await.until(WAIT, "the task is journaled", () -> Files.readString(locations.taskJournal(zone))
                    .contains("\"trigger\":\"src\""));
            daemon.kill();
        }
        assertThat(Files.readString(state("triggers.json"))).contains("\"pending\"");
        Files.delete(state("triggers.json.tmp").resolve("in-the-way"));
        Files.delete(state("triggers.json.tmp"));
        nextDaemon();
        TaskInfo task = done();
        triggers.tick().get();
        assertThat(tasks()).extracting(TaskInfo::id).containsExactly(task.id());
        assertThat(triggers.list().get(0).lastTask()).isEqualTo(task.id());
        assertThat(Files.readString(state("triggers.json"))).doesNotContain("\"pending\"");
    }
}
