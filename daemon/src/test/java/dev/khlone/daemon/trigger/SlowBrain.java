package dev.khlone.daemon.trigger;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fake brain as {@code slow}, whose start waits while {@code hold} exists in its home: a
 * clone enrolled for a task then holds the task on its owner thread, before the journal has it,
 * for as long as a test needs to kill the daemon there. A plugin (KHLONE_BRAIN_PATH) for the
 * daemon in a process of its own; its home is {@code FAKE_BRAIN_HOME}.
 */
public final class SlowBrain implements Brain {
    private final Path home;
    private final FakeBrain brain;

    public SlowBrain() {
        this(Path.of(System.getenv("FAKE_BRAIN_HOME")));
    }

    SlowBrain(Path home) {
        this.home = home;
        this.brain = FakeBrain.persistent(home);
    }

    @Override
    public String name() {
        return "slow";
    }

    @Override
    public Series newSeries() {
        return brain.newSeries();
    }

    @Override
    public LaunchSpec dispatch(Series series, TaskMode mode, Options options) {
        long until = System.nanoTime() + 60_000_000_000L;
        while (Files.exists(home.resolve("hold")) && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return brain.dispatch(series, mode, options);
    }

    @Override
    public LaunchSpec interact(Series series, Options options) {
        return brain.interact(series, options);
    }

    @Override
    public Dialogue dialogue(Series series, Options options) {
        return brain.dialogue(series, options);
    }

    @Override
    public Preflight check(Options options) {
        return brain.check(options);
    }
}
