package dev.khlone.brain.claude;

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
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines, environments and working directories claude is launched with. */
class ClaudeBrainTest {
    private static final List<String> HEADLESS = List.of("-p", "--input-format", "stream-json",
            "--output-format", "stream-json", "--verbose");
    private static final String ID = "0b9f6f5e-5d3c-4f57-9c1e-2a8f3b8e7d11";

    @TempDir
    Path dir;

    private final ClaudeBrain brain = new ClaudeBrain();

    @Test
    void theDaemonFindsItByName() {
        // The testkit registers its fake brain too; this module adds exactly one.
        assertThat(ServiceLoader.load(Brain.class)).filteredOn(b -> b.getClass() == ClaudeBrain.class).singleElement()
                .extracting(Brain::name).isEqualTo("claude");
    }

    @Test
    void singleShotIsAProcessPerTaskThatCapsItsSpendWithClaudesOwnBudgetAndPersistentNeverDoes() throws IOException {
        Path claude = executable("bin/claude");
        Options options = options(Map.of("PATH", claude.getParent().toString()));

        LaunchSpec persistent = brain.dispatch(Series.started(ID), TaskMode.ACT, options.withTask(false, 0.5));
        assertThat(persistent.persistent()).isTrue();
        assertThat(persistent.argv()).as("claude's cap counts a process's spend: never a task's cap on a shared one")
                .doesNotContain("--max-budget-usd");

        LaunchSpec single = brain.dispatch(Series.started(ID), TaskMode.ACT, options.withTask(true, 0.5));
        assertThat(single.persistent()).isFalse();
        assertThat(single.argv()).containsSubsequence("--resume", ID).containsSubsequence("--max-budget-usd", "0.5");
        assertThat(brain.dispatch(Series.started(ID), TaskMode.ACT, options.withTask(true, null)).argv())
                .doesNotContain("--max-budget-usd");
    }

    @Test
    void aNewSeriesHasAFreshUuidAndIsNotStarted() {
        Series one = brain.newSeries();
        Series two = brain.newSeries();

        assertThat(one.started()).isFalse();
        assertThat(UUID.fromString(one.id()).toString()).isEqualTo(one.id());
        assertThat(two.id()).isNotEqualTo(one.id());
    }

    @Test
    void askOnANewSeriesNamesItAndTakesAwayEveryToolThatChangesTheWorkspace() throws IOException {
        Path claude = executable("bin/claude");
        Options options = options(Map.of("PATH", claude.getParent().toString(), "HOME", "/home/someone"));

        LaunchSpec spec = brain.dispatch(Series.fresh(ID), TaskMode.ASK, options);

        assertThat(spec.argv()).containsExactlyElementsOf(concat(List.of(claude.toString()), HEADLESS,
                List.of("--session-id", ID, "--permission-mode", "dontAsk",
                        "--disallowedTools=Bash,Edit,Write,NotebookEdit,EnterWorktree,ExitWorktree,CronCreate,CronDelete")));
        assertThat(spec.persistent()).isTrue();
        assertThat(spec.env()).isEqualTo(options.environment().vars());
        assertThat(spec.cwd()).isEqualTo(dir.resolve("zone"));
    }

    @Test
    void actOnAStartedSeriesResumesItWithTheModelAndTheClonesOwnArgumentsLast() throws IOException {
        Path claude = executable("bin/claude");
        Options options = new Options(dir.resolve("zone"), "opus", List.of("--add-dir", "/data", "extra"),
                new Environment(Map.of("PATH", claude.getParent().toString())));

        LaunchSpec spec = brain.dispatch(Series.started(ID), TaskMode.ACT, options);

        assertThat(spec.argv()).containsExactlyElementsOf(concat(List.of(claude.toString()), HEADLESS,
                List.of("--resume", ID, "--model", "opus", "--permission-mode", "acceptEdits", "--allowedTools=Bash",
                        "--add-dir", "/data", "extra")));
        assertThat(spec.persistent()).isTrue();
    }

    @Test
    void theTuiResumesAStartedSeriesAndBeginsANewOneUnderItsId() throws IOException {
        Path claude = executable("bin/claude");
        Options options = new Options(dir.resolve("zone"), "sonnet", List.of("--verbose"),
                new Environment(Map.of("PATH", claude.getParent().toString(), "TERM", "xterm-256color")));

        LaunchSpec started = brain.interact(Series.started(ID), options);
        LaunchSpec fresh = brain.interact(Series.fresh(ID), Options.defaults(dir, options.environment().vars()));

        assertThat(started.argv()).containsExactly(claude.toString(), "--resume", ID, "--model", "sonnet", "--verbose");
        assertThat(started.env()).containsEntry("TERM", "xterm-256color");
        assertThat(started.cwd()).isEqualTo(dir.resolve("zone"));
        assertThat(fresh.argv()).containsExactly(claude.toString(), "--session-id", ID);
    }

    @Test
    void theOverrideVariableWinsOverThePath() throws IOException {
        Path onPath = executable("bin/claude");
        Path override = executable("pinned/claude");
        Map<String, String> env = Map.of("PATH", onPath.getParent().toString(),
                ClaudeBrain.BINARY_VARIABLE, override.toString());

        assertThat(brain.dispatch(Series.fresh(ID), TaskMode.ASK, options(env)).argv().get(0)).isEqualTo(override.toString());
        assertThat(brain.interact(Series.fresh(ID), options(env)).argv().get(0)).isEqualTo(override.toString());
    }

    @Test
    void thePathIsSearchedInOrderAndOnlyForExecutables() throws IOException {
        Path notExecutable = dir.resolve("first/claude");
        Files.createDirectories(notExecutable.getParent());
        Files.writeString(notExecutable, "not a program");
        Path second = executable("second/claude");
        Path third = executable("third/claude");
        String path = String.join(":", notExecutable.getParent().toString(), second.getParent().toString(),
                third.getParent().toString());

        assertThat(brain.dispatch(Series.fresh(ID), TaskMode.ACT, options(Map.of("PATH", path))).argv().get(0))
                .isEqualTo(second.toString());
    }

    @Test
    void withNoClaudeAnywhereTheBareNameIsLaunchedAndFailsThere() {
        // check() explains; the spawn of "claude" fails naming it.
        assertThat(brain.dispatch(Series.fresh(ID), TaskMode.ASK, options(Map.of("PATH", dir.toString()))).argv().get(0))
                .isEqualTo("claude");
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

    private static List<String> concat(List<String> binary, List<String> headless, List<String> rest) {
        return Stream.of(binary, headless, rest).flatMap(List::stream).toList();
    }
}
