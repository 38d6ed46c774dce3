package dev.khlone.brain.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines, environments and working directories codex is launched with, and where it keeps threads. */
class CodexBrainTest {
    private static final String ID = "01a1fd76-10f2-7af1-a434-00b0f63fecfa";

    @TempDir
    Path dir;

    private final CodexBrain brain = new CodexBrain();

    @Test
    void theDaemonFindsItByName() {
        // The testkit registers its fake brain too; this module adds exactly one.
        assertThat(ServiceLoader.load(Brain.class)).filteredOn(b -> b.getClass() == CodexBrain.class).singleElement()
                .extracting(Brain::name).isEqualTo("codex");
    }

    @Test
    void aNewSeriesWaitsForCodexToNameIt() {
        assertThat(brain.newSeries()).isEqualTo(Series.fresh(null));
    }

    @Test
    void askOnANewSeriesIsOneReadOnlyExecReadingThePromptFromStdin() throws IOException {
        Path codex = executable("bin/codex");
        Options options = options(Map.of("PATH", codex.getParent().toString(), "HOME", "/home/someone"));

        LaunchSpec spec = brain.dispatch(brain.newSeries(), TaskMode.ASK, options);

        assertThat(spec.argv()).containsExactly(codex.toString(), "exec", "--json", "--skip-git-repo-check",
                "-s", "read-only", "-");
        assertThat(spec.persistent()).isFalse();
        assertThat(spec.env()).isEqualTo(options.environment().vars());
        assertThat(spec.cwd()).isEqualTo(dir.resolve("zone"));
    }

    @Test
    void actOnAStartedSeriesResumesItsThreadInWorkspaceWriteWithTheModelAndTheClonesArguments() throws IOException {
        Path codex = executable("bin/codex");
        Options options = new Options(dir.resolve("zone"), "gpt-5.5", List.of("-c", "k=\"v\""),
                new Environment(Map.of("PATH", codex.getParent().toString())));

        LaunchSpec spec = brain.dispatch(Series.started(ID), TaskMode.ACT, options);

        assertThat(spec.argv()).containsExactly(codex.toString(), "exec", "--json", "--skip-git-repo-check",
                "-s", "workspace-write", "-m", "gpt-5.5", "-c", "k=\"v\"", "resume", ID, "-");
        assertThat(spec.persistent()).isFalse();
    }

    @Test
    void theTuiRunsWithoutTheBackgroundServerAndResumesTheThreadIfThereIsOne() throws IOException {
        Path codex = executable("bin/codex");
        Options options = new Options(dir.resolve("zone"), "gpt-5.5", List.of("-c", "k=1"),
                new Environment(Map.of("PATH", codex.getParent().toString(), "TERM", "xterm-256color")));

        LaunchSpec started = brain.interact(Series.started(ID), options);
        LaunchSpec fresh = brain.interact(brain.newSeries(), Options.defaults(dir, options.environment().vars()));

        assertThat(started.argv()).containsExactly(codex.toString(), "--no-daemon", "-m", "gpt-5.5", "-c", "k=1",
                "resume", ID);
        assertThat(started.env()).containsEntry("TERM", "xterm-256color");
        assertThat(started.cwd()).isEqualTo(dir.resolve("zone"));
        assertThat(fresh.argv()).containsExactly(codex.toString(), "--no-daemon");
    }

    @Test
    void theOverrideVariableWinsOverThePathAndWithNoCodexTheBareNameFailsAtSpawn() throws IOException {
        Path onPath = executable("bin/codex");
        Path override = executable("pinned/codex");
        Map<String, String> env = Map.of("PATH", onPath.getParent().toString(), CodexBrain.BINARY_VARIABLE, override.toString());

        assertThat(brain.dispatch(Series.fresh(null), TaskMode.ASK, options(env)).argv().get(0)).isEqualTo(override.toString());
        assertThat(brain.interact(Series.fresh(null), options(env)).argv().get(0)).isEqualTo(override.toString());
        assertThat(brain.dispatch(Series.fresh(null), TaskMode.ASK, options(Map.of("PATH", dir.toString()))).argv().get(0))
                .isEqualTo("codex");
    }

    @Test
    void aThreadIsStoredWhenCodexHasItsRolloutFile() throws IOException {
        Path codexHome = dir.resolve("codex-home");
        Options options = options(Map.of("CODEX_HOME", codexHome.toString()));
        Series named = new Series(ID, false);

        assertThat(brain.afterTalk(named, options, Instant.EPOCH)).isEmpty(); // no sessions directory at all
        Path day = Files.createDirectories(codexHome.resolve("sessions/2026/11/21"));
        Files.writeString(day.resolve("rollout-2026-11-21T11-01-36-01a1fdc4-cf3b-7840-a188-f325c4c4c134.jsonl"), "{}");
        assertThat(brain.afterTalk(named, options, Instant.EPOCH)).isEmpty();
        Files.writeString(day.resolve("rollout-2026-11-21T11-02-00-" + ID + ".jsonl"), "{}");
        assertThat(brain.afterTalk(named, options, Instant.EPOCH)).contains(Series.started(ID));
        // Without CODEX_HOME, codex looks in ~/.codex.
        assertThat(brain.afterTalk(named, options(Map.of("HOME", dir.resolve("elsewhere").toString())), Instant.EPOCH)).isEmpty();
    }

    @Test
    void aTalkOnAFreshSeriesTakesTheLatestThreadTheTuiBeganInTheZoneSinceTheTalkStarted() throws IOException {
        Path codexHome = dir.resolve("codex-home");
        Options options = options(Map.of("CODEX_HOME", codexHome.toString()));
        Path zone = dir.resolve("zone");
        Instant talk = Instant.parse("2026-11-21T11:00:00Z");
        Path day = Files.createDirectories(codexHome.resolve("sessions/2026/11/21"));

        rollout(day, "00000000-0000-0000-0000-000000000001", "2026-11-21T10:59:59.999Z", zone, "cli"); // before the talk
        rollout(day, "00000000-0000-0000-0000-000000000002", "2026-11-21T11:00:05Z", dir.resolve("elsewhere"), "cli");
        rollout(day, "00000000-0000-0000-0000-000000000003", "2026-11-21T11:00:06Z", zone, "exec"); // a task's
        Files.writeString(day.resolve("rollout-2026-11-21T11-00-07-00000000-0000-0000-0000-000000000004.jsonl"), "not json\n");
        assertThat(brain.afterTalk(Series.fresh(null), options, talk)).isEmpty();

        rollout(day, "00000000-0000-0000-0000-000000000005", "2026-11-21T11:00:01Z", zone, "cli");
        rollout(day, "00000000-0000-0000-0000-000000000006", "2026-11-21T11:00:03Z", zone, "cli"); // then /new
        assertThat(brain.afterTalk(Series.fresh(null), options, talk))
                .contains(Series.started("00000000-0000-0000-0000-000000000006"));
    }

    /** A rollout as codex 0.169.0 writes it, its first line (cut short) naming the thread. */
    private static void rollout(Path day, String id, String began, Path cwd, String source) throws IOException {
        Path file = day.resolve("rollout-" + began.substring(0, 19).replace(':', '-') + "-" + id + ".jsonl");
        Files.writeString(file, "{\"timestamp\":\"" + began + "\",\"ordinal\":0,\"type\":\"session_meta\",\"payload\":{"
                + "\"session_id\":\"" + id + "\",\"id\":\"" + id + "\",\"timestamp\":\"" + began + "\",\"cwd\":\"" + cwd
                + "\",\"originator\":\"codex-tui\",\"cli_version\":\"0.169.0\",\"source\":\"" + source + "\"}}\n"
                + "{\"type\":\"event_msg\",\"payload\":{}}\n");
    }

    private Options options(Map<String, String> env) {
        return Options.defaults(dir.resolve("zone"), env);
    }

    private Path executable(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
