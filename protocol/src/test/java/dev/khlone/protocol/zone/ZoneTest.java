package dev.khlone.protocol.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneTest {
    @TempDir
    Path tmp;

    @Test
    void theZoneOfADirectoryInsideAGitWorktreeIsTheWorktreeRoot() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("My Project"));
        Files.createDirectory(repo.resolve(".git"));
        Path deep = Files.createDirectories(repo.resolve("src/main"));
        Zone zone = Zone.containing(deep);
        assertThat(zone.root()).isEqualTo(repo.toRealPath());
        assertThat(zone.id()).matches("my-project-[0-9a-f]{8}");
    }

    @Test
    void aLinkedWorktreeWithAGitFileIsItsOwnZone() throws Exception {
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: /elsewhere\n");
        assertThat(Zone.containing(Files.createDirectories(wt.resolve("a"))).root()).isEqualTo(wt.toRealPath());
    }

    @Test
    void outsideGitTheZoneIsTheDirectoryItself() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThat(Zone.containing(plain).root()).isEqualTo(plain.toRealPath());
    }

    @Test
    void idsAreStablePerPathAndDistinctBetweenPathsOfTheSameName() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a/app"));
        Path b = Files.createDirectories(tmp.resolve("b/app"));
        assertThat(Zone.at(a).id()).isEqualTo(Zone.at(a).id());
        assertThat(Zone.at(a).id()).startsWith("app-").isNotEqualTo(Zone.at(b).id());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), a);
        assertThat(Zone.at(link)).isEqualTo(Zone.at(a));
    }

    @Test
    void namesWithoutLettersStillGiveAReadableId() throws Exception {
        Path odd = Files.createDirectories(tmp.resolve("___"));
        assertThat(Zone.at(odd).id()).matches("root-[0-9a-f]{8}");
        Path longName = Files.createDirectories(tmp.resolve("a-very-long-directory-name-that-goes-on"));
        assertThat(Zone.at(longName).id()).matches("a-very-long-directory-na-[0-9a-f]{8}");
    }

    @Test
    void aZoneRootMustBeADirectory() {
        assertThatThrownBy(() -> Zone.at(tmp.resolve("missing"))).hasMessageContaining("is not a directory");
    }

    @Test
    void locationsFollowTheEnvironment() throws Exception {
        Zone zone = Zone.at(tmp);
        Locations explicit = Locations.fromEnvironment(Map.of("KHLONE_HOME", "/k", "KHLONE_SOCKET_DIR", "/s"));
        assertThat(explicit.socket(zone)).isEqualTo(Path.of("/s/khlone-zone-" + zone.id() + ".sock"));
        assertThat(explicit.daemonLog(zone)).isEqualTo(Path.of("/k/zones/" + zone.id() + "/daemon.log"));
        assertThat(Locations.fromEnvironment(Map.of("XDG_STATE_HOME", "/x", "HOME", "/h")).home())
                .isEqualTo(Path.of("/x/khlone"));
        Locations defaults = Locations.fromEnvironment(Map.of("HOME", "/h"));
        assertThat(defaults.home()).isEqualTo(Path.of("/h/.local/state/khlone"));
        assertThat(defaults.socket(zone).getParent()).isEqualTo(Path.of("/tmp"));
    }
}
