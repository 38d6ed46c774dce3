package dev.khlone.brain.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpencodeBrainTest {
    private static final String BIN = "/opt/opencode/bin/opencode";

    @TempDir
    Path dir;
    private final OpencodeBrain brain = new OpencodeBrain();

    private Options options(String model, List<String> args, Map<String, String> env) {
        return new Options(dir, model, args, new Environment(env));
    }

    @Test
    void theDaemonFindsItByName() {
        assertThat(ServiceLoader.load(Brain.class).stream().map(p -> p.get().name())).contains("opencode");
    }

    @Test
    void dispatchIsOnePersistentAcpProcessAlikeForAskAndAct() {
        Options options = options(null, List.of("--log-level", "WARN"),
                Map.of(OpencodeBrain.BINARY_VARIABLE, BIN, "HOME", "/home/u"));

        LaunchSpec ask = brain.dispatch(brain.newSeries(), TaskMode.ASK, options);

        assertThat(ask.argv()).containsExactly(BIN, "acp", "--log-level", "WARN");
        assertThat(ask.persistent()).isTrue();
        assertThat(ask.cwd()).isEqualTo(dir);
        assertThat(ask.env()).containsEntry("HOME", "/home/u");
        assertThat(brain.dispatch(Series.started("ses_1"), TaskMode.ACT, options)).isEqualTo(ask);
    }

    @Test
    void dispatchDefinesTheAskAgentOverTheUsersOwnConfigContentAndSetsTheModel() {
        String users = "{\"agent\":{\"reviewer\":{\"mode\":\"primary\"}},\"theme\":\"dark\"}";
        Options options = options("fake/other-model", List.of(),
                Map.of(OpencodeBrain.BINARY_VARIABLE, BIN, OpencodeBrain.CONFIG_VARIABLE, users));

        Map<String, Object> config = Json.parseObject(
                brain.dispatch(brain.newSeries(), TaskMode.ASK, options).env().get(OpencodeBrain.CONFIG_VARIABLE));

        assertThat(config).containsEntry("theme", "dark").containsEntry("model", "fake/other-model");
        Map<?, ?> agents = (Map<?, ?>) config.get("agent");
        assertThat(agents.keySet().stream().map(String::valueOf)).containsExactly("reviewer", "khlone-ask");
        Map<?, ?> permission = (Map<?, ?>) ((Map<?, ?>) agents.get("khlone-ask")).get("permission");
        assertThat(permission.get("*")).isEqualTo("deny");
        assertThat(permission.keySet().stream().map(String::valueOf)).doesNotContain("bash", "edit", "write", "task");
    }

    @Test
    void theTuiResumesTheSessionWithTheModelAndNoAskAgent() {
        Options options = options("fake/fake-model", List.of("--pure"), Map.of(OpencodeBrain.BINARY_VARIABLE, BIN));

        LaunchSpec resumed = brain.interact(Series.started("ses_1"), options);
        LaunchSpec fresh = brain.interact(brain.newSeries(), options);

        assertThat(resumed.argv()).containsExactly(BIN, "-s", "ses_1", "-m", "fake/fake-model", "--pure");
        assertThat(resumed.env()).doesNotContainKey(OpencodeBrain.CONFIG_VARIABLE);
        assertThat(fresh.argv()).containsExactly(BIN, "-m", "fake/fake-model", "--pure");
    }

    @Test
    void theBinaryIsTheOneOnTheOptionsPath() throws IOException {
        Path bin = executable(dir.resolve("bin/opencode"));

        LaunchSpec spec = brain.dispatch(brain.newSeries(), TaskMode.ACT,
                options(null, List.of(), Map.of("PATH", "/nowhere:" + bin.getParent())));

        assertThat(spec.argv().get(0)).isEqualTo(bin.toString());
    }

    @Test
    void preflightNamesThePinnedPackageWhenOpencodeIsMissing() {
        Preflight check = brain.check(options(null, List.of(), Map.of("PATH", "/nowhere")));

        assertThat(check.ok()).isFalse();
        assertThat(check.problem()).isEqualTo("opencode is not installed: no opencode on the PATH (/nowhere)");
        assertThat(check.hint()).contains("npm install -g opencode-ai@1.18.33").contains("KHLONE_OPENCODE_BIN");
    }

    @Test
    void preflightSaysWhatIsWrongWithTheOverride() {
        Preflight check = brain.check(options(null, List.of(),
                Map.of(OpencodeBrain.BINARY_VARIABLE, dir.resolve("missing").toString())));

        assertThat(check.ok()).isFalse();
        assertThat(check.problem()).isEqualTo("KHLONE_OPENCODE_BIN is set to " + dir.resolve("missing") + ", which does not exist");
    }

    @Test
    void preflightPassesWithTheBinaryAndNoCredentialsSinceOpencodeAlwaysHasAModel() throws IOException {
        Path bin = executable(dir.resolve("bin/opencode"));

        assertThat(brain.check(options(null, List.of(), Map.of("PATH", bin.getParent().toString(), "HOME",
                dir.resolve("empty-home").toString())))).isEqualTo(Preflight.OK);
    }

    @Test
    void aTalkOnAFreshSeriesTakesTheLatestSessionBegunAndPromptedInTheZoneSinceTheTalkStarted() throws IOException {
        Path zone = dir.resolve("my zone");
        Path data = dir.resolve("data");
        Options options = new Options(zone, null, List.of(), new Environment(Map.of("XDG_DATA_HOME", data.toString())));
        Instant talk = Instant.ofEpochMilli(1_795_959_170_000L);

        assertThat(brain.afterTalk(brain.newSeries(), options, talk)).isEmpty(); // no log at all
        Path log = Files.createDirectories(data.resolve("opencode/log")).resolve("opencode.log");
        Files.write(log, List.of(
                created("ses_before", zone, "undefined", talk.toEpochMilli() - 1), loop("ses_before"),
                created("ses_elsewhere", dir.resolve("elsewhere"), "undefined", talk.toEpochMilli() + 1), loop("ses_elsewhere"),
                created("ses_opened_only", zone, "undefined", talk.toEpochMilli() + 2), // ACP's session/new, no prompt
                created("ses_child", zone, "ses_x", talk.toEpochMilli() + 3), loop("ses_child"),
                "not a log line \u00ff ="));
        assertThat(brain.afterTalk(brain.newSeries(), options, talk)).isEmpty();

        Files.write(log, List.of(created("ses_first", zone, "undefined", talk.toEpochMilli() + 10), loop("ses_first"),
                created("ses_then_new", zone, "undefined", talk.toEpochMilli() + 20), loop("ses_then_new")),
                StandardOpenOption.APPEND);
        assertThat(brain.afterTalk(brain.newSeries(), options, talk)).contains(Series.started("ses_then_new"));
    }

    @Test
    void aTalkWhoseSessionTheLogLacksIsFoundInOpencodesOwnList() throws IOException {
        Path zone = Files.createDirectories(dir.resolve("my zone"));
        long talk = 1_795_959_170_000L;
        // opencode session list --format json, run in the zone: each session's directory, creation and last update.
        String sessions = Json.write(List.of(
                session("ses_newest_unprompted", zone, talk + 40, talk + 40), // ACP's session/new only opened it
                session("ses_elsewhere", dir.resolve("elsewhere"), talk + 30, talk + 31),
                session("ses_talked", zone, talk + 20, talk + 25),
                session("ses_earlier_in_talk", zone, talk + 10, talk + 50),
                session("ses_before_talk", zone, talk - 1, talk + 60)));
        Path bin = dir.resolve("bin/opencode");
        executable(bin);
        Files.writeString(bin, "#!/bin/sh\n"
                + "[ \"$*\" = 'session list --format json -n 50' ] && [ \"$PWD\" = '" + zone + "' ] || exit 3\n"
                + "cat <<'EOF'\n" + sessions + "\nEOF\n");
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("XDG_DATA_HOME", data.toString(), OpencodeBrain.BINARY_VARIABLE, bin.toString());
        Options options = new Options(zone, null, List.of(), new Environment(env));

        assertThat(brain.afterTalk(brain.newSeries(), options, Instant.ofEpochMilli(talk)))
                .contains(Series.started("ses_talked"));

        // What the log has, it says first (it tells a subagent's session apart, and runs no process).
        Path log = Files.createDirectories(data.resolve("opencode/log")).resolve("opencode.log");
        Files.write(log, List.of(created("ses_logged", zone, "undefined", talk + 5), loop("ses_logged")));
        assertThat(brain.afterTalk(brain.newSeries(), options, Instant.ofEpochMilli(talk)))
                .contains(Series.started("ses_logged"));

        Files.delete(log);
        Files.writeString(bin, "#!/bin/sh\nexit 1\n");
        assertThat(brain.afterTalk(brain.newSeries(), options, Instant.ofEpochMilli(talk))).isEmpty();
    }

    private static Map<String, Object> session(String id, Path directory, long created, long updated) {
        return Map.of("id", id, "title", "t", "created", created, "updated", updated, "projectId", "global",
                "directory", directory.toString());
    }

    /** A session's creation as opencode 1.18.33 logs it, cut short. */
    private static String created(String id, Path directory, String parent, long millis) {
        String dir = directory.toString().contains(" ") ? Json.write(directory.toString()) : directory.toString();
        return "timestamp=2026-11-29T13:32:50.908Z level=INFO run=ab4f89b8 message=created id=" + id
                + " slug=tidy-lagoon version=1.18.33 projectID=global directory=" + dir + " path=x workspaceID=undefined parentID="
                + parent + " title=\"New session - 2026-11-29T13:32:50.907Z\" agent=build permission=\"[{\\\"a\\\":1}]\""
                + " cost=0 time.created=" + millis + " time.updated=" + millis;
    }

    private static String loop(String id) {
        return "timestamp=2026-11-29T13:32:50.999Z level=INFO run=ab4f89b8 message=loop session.id=" + id + " step=0";
    }

    private static Path executable(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
