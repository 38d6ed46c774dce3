package dev.khlone.protocol.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneTest {
    @TempDir
    Path tmp;
    ZoneKey key;

    @BeforeEach
    void setUp() {
        key = ZoneKey.in(tmp.resolve("home"));
    }

    @Test
    void theZoneOfADirectoryInsideAGitWorktreeIsTheWorktreeRoot() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("My Project"));
        Files.createDirectory(repo.resolve(".git"));
        Path deep = Files.createDirectories(repo.resolve("src/main"));
        Zone zone = Zone.containing(deep, key);
        assertThat(zone.root()).isEqualTo(repo.toRealPath());
        assertThat(zone.id()).matches("my-project-[0-9a-f]{8}");
    }

    /** Ids name sockets and state dirs: the slug must read as it always has, or zones would lose their state. */
    @Test
    void slugsReadAsTheyAlwaysHave() throws Exception {
        for (String name : List.of("My Project", "--a__b--", "ÄÖÜ straße", "x", "___", "a😀b", "Proj.v2 (copy)",
                "a-very-long-directory-name-that-goes-on-and-on", "abcdefghijklmnopqrstuvw-xyz", "123 456")) {
            Path dir = Files.createDirectories(tmp.resolve("slugs").resolve(name));
            String id = Zone.at(dir, key).id();
            String before = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
            if (before.length() > 24) {
                before = before.substring(0, 24).replaceAll("-+$", "");
            }
            assertThat(id.substring(0, id.length() - 9)).as(name).isEqualTo(before.isEmpty() ? "root" : before);
        }
    }

    @Test
    void aLinkedWorktreeWithAGitFileIsItsOwnZone() throws Exception {
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: /elsewhere\n");
        assertThat(Zone.containing(Files.createDirectories(wt.resolve("a")), key).root()).isEqualTo(wt.toRealPath());
    }

    @Test
    void outsideGitTheZoneIsTheDirectoryItself() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThat(Zone.containing(plain, key).root()).isEqualTo(plain.toRealPath());
    }

    @Test
    void idsAreStablePerPathAndDistinctBetweenPathsOfTheSameName() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a/app"));
        Path b = Files.createDirectories(tmp.resolve("b/app"));
        assertThat(Zone.at(a, key).id()).isEqualTo(Zone.at(a, key).id());
        assertThat(Zone.at(a, key).id()).startsWith("app-").isNotEqualTo(Zone.at(b, key).id());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), a);
        assertThat(Zone.at(link, key)).isEqualTo(Zone.at(a, key));
    }

    @Test
    void namesWithoutLettersStillGiveAReadableId() throws Exception {
        Path odd = Files.createDirectories(tmp.resolve("___"));
        assertThat(Zone.at(odd, key).id()).matches("root-[0-9a-f]{8}");
        Path longName = Files.createDirectories(tmp.resolve("a-very-long-directory-name-that-goes-on"));
        assertThat(Zone.at(longName, key).id()).matches("a-very-long-directory-na-[0-9a-f]{8}");
    }

    @Test
    void aZoneRootMustBeADirectory() {
        assertThatThrownBy(() -> Zone.at(tmp.resolve("missing"), key)).hasMessageContaining("is not a directory");
    }

    @Test
    void locationsFollowTheEnvironment() throws Exception {
        Zone zone = Zone.at(tmp, key);
        Locations explicit = Locations.fromEnvironment(Map.of("KHLONE_HOME", "/k", "KHLONE_SOCKET_DIR", "/s"));
        assertThat(explicit.socket(zone)).isEqualTo(Path.of("/s/khlone-zone-" + zone.id() + ".sock"));
        assertThat(explicit.daemonLog(zone)).isEqualTo(Path.of("/k/zones/" + zone.id() + "/daemon.log"));
        assertThat(Locations.fromEnvironment(Map.of("XDG_STATE_HOME", "/x", "HOME", "/h")).home())
                .isEqualTo(Path.of("/x/khlone"));
        Locations defaults = Locations.fromEnvironment(Map.of("HOME", "/h"));
        assertThat(defaults.home()).isEqualTo(Path.of("/h/.local/state/khlone"));
        assertThat(defaults.socket(zone).getParent()).isEqualTo(Path.of("/tmp"));
    }

    @Test
    void theIdIsKeyedWithAPrivateKeyMadeOnceSoAnotherUserCannotPredictIt() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Path keyFile = tmp.resolve("home/zone.key");
        assertThat(keyFile).doesNotExist();
        String id = Zone.at(app, key).id();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Zone.at(app, ZoneKey.in(tmp.resolve("home"))).id()).as("the key is kept").isEqualTo(id);
        assertThat(Zone.at(app, ZoneKey.in(tmp.resolve("other-home"))).id()).as("another key, another id")
                .startsWith("app-").isNotEqualTo(id);
        byte[] unkeyed = MessageDigest.getInstance("SHA-256").digest(app.toRealPath().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(id).as("not the plain hash of the path").isNotEqualTo("app-" + HexFormat.of().formatHex(unkeyed, 0, 4));
    }

    @Test
    void theIdHashIsHmacSha256OfThePathSoZonesKeepTheIdsEarlierVersionsGaveThem() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("app")).toRealPath();
        for (int bytes : new int[] {32, 64, 100}) {
            byte[] secret = new byte[bytes];
            new Random(bytes).nextBytes(secret);
            Path home = tmp.resolve("home-" + bytes);
            Files.createDirectories(home);
            Files.writeString(home.resolve("zone.key"), HexFormat.of().formatHex(secret) + "\n");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal(root.toString().getBytes(StandardCharsets.UTF_8)), 0, 4);
            assertThat(Zone.at(root, ZoneKey.in(home)).id()).as("a %d-byte key", bytes).isEqualTo("app-" + expected);
        }
    }

    @Test
    void clientsRacingToMakeTheKeyAllGetTheSameOne() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Path home = tmp.resolve("race-home");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                ids.add(pool.submit(() -> Zone.at(app, ZoneKey.in(home)).id()));
            }
            Set<String> distinct = new HashSet<>();
            for (Future<String> f : ids) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(1);
        } finally {
            pool.shutdown();
        }
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("zone.key");
        }
    }

    @Test
    void aKeyThatCannotBeMadeIsSaidAsSuch() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Path file = Files.writeString(tmp.resolve("file"), "");
        assertThatThrownBy(() -> Zone.at(app, ZoneKey.in(file.resolve("home"))))
                .isInstanceOf(ZoneKey.Unavailable.class).hasMessageContaining("cannot read or create the zone key");
    }
}
