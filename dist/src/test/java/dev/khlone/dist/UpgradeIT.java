package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.OtherProtocolDaemon;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A khlone installed over a running one: the old daemon speaks another protocol, so it takes no
 * request of the new client; every command says so and names {@code khlone daemon restart}, which
 * must then work (it stops the old daemon by its pid), as must {@code daemon stop [--all]}.
 */
class UpgradeIT {
    KhloneHarness khlone;
    Path dir;
    Process old;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        dir = khlone.newDirectory("upgraded");
        old = start(dir);
    }

    @AfterEach
    void tearDown() {
        old.destroyForcibly();
        khlone.close();
    }

    /** An old daemon for {@code zone}, serving once this returns. */
    private Process start(Path zone) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), OtherProtocolDaemon.class.getName(), khlone.env().get("KHLONE_HOME"),
                khlone.env().get("KHLONE_SOCKET_DIR"), zone.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(first).as("the old daemon serves").startsWith("serving ");
        return p;
    }

    @Test
    void everyCommandNamesRestartAndRestartReplacesTheOldDaemon() {
        KhloneHarness.Result status = khlone.run(dir, "status");
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.err()).contains("speaks protocol 3").contains("hint: restart the daemon with the khlone you are running:"
                + " khlone daemon restart");

        KhloneHarness.Result daemonStatus = khlone.run(dir, "daemon", "status");
        assertThat(daemonStatus.exitCode()).isEqualTo(3);
        assertThat(daemonStatus.err()).contains("(pid " + old.pid() + ") holds the zone but speaks another protocol");

        KhloneHarness.Result restart = khlone.run(dir, "daemon", "restart");
        assertThat(restart.exitCode()).as(restart.toString()).isZero();
        assertThat(restart.out()).contains("stopped the daemon of zone " + khlone.zone(dir).id() + " (pid " + old.pid()
                + "), which speaks another protocol").contains("with SIGTERM").contains("started the daemon");
        assertThat(KhloneHarness.awaitExit(old.pid(), Duration.ofSeconds(10))).isTrue();
        assertThat(khlone.run(dir, "status").exitCode()).isZero();
    }

    @Test
    void stopAllStopsAnOldDaemonBesideANewOne() throws Exception {
        Path current = khlone.newDirectory("current");
        assertThat(khlone.run(current, "status").exitCode()).isZero();
        KhloneHarness.Result stopAll = khlone.run(dir, "daemon", "stop", "--all");
        assertThat(stopAll.exitCode()).as(stopAll.toString()).isZero();
        assertThat(stopAll.out().lines().filter(l -> l.startsWith("stopped the daemon"))).hasSize(2);
        assertThat(KhloneHarness.awaitExit(old.pid(), Duration.ofSeconds(10))).isTrue();
        assertThat(khlone.run(dir, "daemon", "stop", "--all").out()).isEqualTo("no daemon is running\n");
    }
}
