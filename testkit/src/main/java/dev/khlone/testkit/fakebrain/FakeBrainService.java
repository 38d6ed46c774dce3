package dev.khlone.testkit.fakebrain;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.testkit.KhloneHarness;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fake brain as a plugin for an installed daemon ({@code KHLONE_BRAIN_PATH} naming the
 * testkit): end-to-end tests that need a brain to do something the real ones cannot be made to
 * (write 50 MB at once) use it. Its files live in {@code FAKE_BRAIN_HOME} of the daemon.
 */
public final class FakeBrainService implements Brain {
    private final FakeBrain brain = FakeBrain.persistent(Path.of(System.getenv().getOrDefault("FAKE_BRAIN_HOME",
            System.getProperty("java.io.tmpdir") + "/khlone-fake-brain")));

    /** A new zone {@code name} of {@code khlone} whose hero runs this fake, which its daemon loads as a plugin. */
    public static Path zone(KhloneHarness khlone, String name) throws IOException, URISyntaxException {
        Path dir = khlone.newDirectory(name);
        Files.writeString(dir.resolve("khlone.yml"), "hero: foreman@fake\n");
        khlone.env().put("KHLONE_BRAIN_PATH",
                Path.of(FakeBrainService.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        khlone.env().put("FAKE_BRAIN_HOME", khlone.root().resolve("fake").toString());
        return dir;
    }

    @Override
    public String name() {
        return brain.name();
    }

    @Override
    public Series newSeries() {
        return brain.newSeries();
    }

    @Override
    public LaunchSpec dispatch(Series series, TaskMode mode, Options options) {
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
