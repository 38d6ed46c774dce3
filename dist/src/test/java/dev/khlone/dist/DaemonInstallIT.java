package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.khlone.protocol.brain.Environment;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code khlone daemon install|uninstall}: the unit the installed khlone writes, and what it asks of
 * {@code systemctl --user} — a recording stand-in, so that a test never installs a unit in the
 * machine's real user manager.
 */
class DaemonInstallIT {
    KhloneHarness khlone;
    Path zone;
    Path calls;
    Path unitDir;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        zone = khlone.newDirectory("svc");
        calls = khlone.root().resolve("systemctl.calls");
        unitDir = Path.of(khlone.env().get("HOME"), ".config/systemd/user");
        khlone.env().put("ANTHROPIC_API_KEY", "sk-ant-never-on-disk");
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    /**
     * A systemctl on the PATH that records its arguments; {@code showEnvironment} is what it says to
     * the probe, exit 1, or nothing; {@code active}: whether it says the unit runs.
     */
    private void systemctl(String showEnvironment, boolean active) throws Exception {
        Path bin = Files.createDirectories(khlone.root().resolve("bin"));
        Path fake = bin.resolve("systemctl");
        Files.writeString(fake, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
                + (showEnvironment == null ? "" : "[ \"$2\" = show-environment ] && { echo '" + showEnvironment + "' >&2; exit 1; }\n")
                + "[ \"$2\" = is-active ] && exit " + (active ? 0 : 3) + "\n"
                + "exit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        khlone.env().put("PATH", bin + ":" + System.getenv("PATH"));
    }

    private List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void installWritesAUnitSystemdAcceptsEnablesItAndUninstallRemovesIt() throws Exception {
        systemctl(null, false);
        String unit = "khlone-zone-" + khlone.zone(zone).id() + ".service";
        KhloneHarness.Result installed = khlone.run(zone, "daemon", "install");
        assertThat(installed.exitCode()).as(installed.toString()).isZero();
        assertThat(installed.out()).contains("installed " + unitDir.resolve(unit)).contains("starts at login");
        Path file = unitDir.resolve(unit);
        String text = Files.readString(file);
        assertThat(words(text, "ExecStart")).endsWith(khlone.launcher().toRealPath().toString(), zone.toRealPath().toString());
        assertThat(text)
                .contains("Restart=on-failure").contains("Environment=\"PATH=" + khlone.env().get("PATH") + "\"")
                .contains("Environment=\"KHLONE_HOME=" + khlone.env().get("KHLONE_HOME") + "\"")
                .doesNotContain("sk-ant-never-on-disk");
        assertThat(calls()).containsExactly("--user show-environment", "--user daemon-reload",
                "--user is-active --quiet " + unit, "--user enable --now " + unit);
        Path log = khlone.locations().daemonLog(khlone.zone(zone));
        assertThat(text).contains("StandardError=append:" + log);
        assertThat(Files.getPosixFilePermissions(log)).as("systemd appends to it, and fails where it cannot open it")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Optional<Path> analyze = new Environment(System.getenv()).which("systemd-analyze");
        assumeTrue(analyze.isPresent(), "the unit was not checked by systemd: systemd-analyze is not installed (apt-get install systemd)");
        Path runtime = Files.createDirectory(khlone.root().resolve("runtime"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ProcessBuilder verify = new ProcessBuilder(analyze.get().toString(), "verify", "--user", file.toString()).redirectErrorStream(true);
        verify.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process p = verify.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(said).isEmpty();

        Files.delete(calls);
        KhloneHarness.Result removed = khlone.run(zone, "daemon", "uninstall");
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(removed.out()).contains("removed " + file);
        assertThat(file).doesNotExist();
        assertThat(calls()).containsExactly("--user show-environment", "--user disable --now " + unit, "--user daemon-reload");
    }

    /** The quoted words of a unit's setting, unescaped as systemd reads them. */
    private static List<String> words(String unit, String setting) {
        String line = unit.lines().filter(l -> l.startsWith(setting + "=")).findFirst().orElseThrow();
        List<String> words = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
        while (m.find()) {
            words.add(m.group(1).replaceAll("\\\\(.)", "$1").replace("$$", "$").replace("%%", "%"));
        }
        return words;
    }

    @Test
    void theUnitsStartIsTheDaemonItselfServingTheZoneAndSigtermStopsItAsSystemdExpects() throws Exception {
        systemctl(null, false);
        assertThat(khlone.run(zone, "daemon", "install").exitCode()).isZero();
        String unit = Files.readString(unitDir.resolve("khlone-zone-" + khlone.zone(zone).id() + ".service"));
        // what systemd does: the unit's environment on a bare one, its working directory, its command line
        ProcessBuilder start = new ProcessBuilder(words(unit, "ExecStart")).redirectErrorStream(true)
                .redirectOutput(khlone.root().resolve("unit.out").toFile()).directory(zone.toFile());
        start.environment().clear();
        start.environment().put("HOME", khlone.env().get("HOME"));
        unit.lines().filter(l -> l.startsWith("Environment=")).forEach(l -> {
            String pair = words(l, "Environment").get(0);
            start.environment().put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        });
        Process daemon = start.start();
        try {
            long pid = Await.value(java.time.Duration.ofSeconds(30), "the unit's daemon to serve",
                    () -> khlone.daemonPid(khlone.zone(zone)));
            assertThat(pid).as("the unit's main process is the daemon: no client waits beside it").isEqualTo(daemon.pid());
            assertThat(khlone.run(zone, "daemon", "status").out()).contains("is running: pid " + pid);
            daemon.destroy(); // SIGTERM, as systemctl stop sends
            assertThat(daemon.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(unit).contains("SuccessExitStatus=" + daemon.exitValue());
            assertThat(Files.readString(khlone.root().resolve("unit.out"))).as("in order").contains("INFO    stopped");
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void aRunningDaemonIsLeftServingAndSystemdTakesOverAtTheNextLogin() throws Exception {
        systemctl(null, false);
        assertThat(khlone.run(zone, "daemon", "start").exitCode()).isZero();
        long pid = khlone.daemonPid(khlone.zone(zone)).orElseThrow();
        KhloneHarness.Result installed = khlone.run(zone, "daemon", "install");
        assertThat(installed.exitCode()).as(installed.toString()).isZero();
        assertThat(installed.out()).contains("the daemon running now (pid " + pid + ") keeps serving");
        assertThat(calls()).contains("--user enable khlone-zone-" + khlone.zone(zone).id() + ".service");
        assertThat(KhloneHarness.running(pid)).isTrue();
    }

    @Test
    void reinstallingAUnitSystemdRunsUpdatesItAndSaysHowToApplyIt() throws Exception {
        systemctl(null, true);
        String unit = "khlone-zone-" + khlone.zone(zone).id() + ".service";
        KhloneHarness.Result r = khlone.run(zone, "daemon", "install");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("systemd runs the daemon of zone").contains("systemctl --user restart " + unit);
        assertThat(calls()).contains("--user enable " + unit).doesNotContain("--user enable --now " + unit);
    }

    @Test
    void withoutAUserManagerItSaysSoAndWhatToDoInsteadAndChangesNothing() throws Exception {
        systemctl("Failed to connect to bus: No medium found", false);
        KhloneHarness.Result r = khlone.run(zone, "daemon", "install");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("khlone: systemd is not available here: 'systemctl --user' cannot reach a user manager"
                        + " (Failed to connect to bus: No medium found)")
                .contains("hint: nothing was changed").contains("@reboot " + khlone.launcher().toRealPath() + " daemon start --zone ");
        assertThat(unitDir).doesNotExist();
        assertThat(calls()).containsExactly("--user show-environment");
    }

    @Test
    void aZoneThatIsNoDirectoryIsAClearErrorAndNothingIsWritten() throws Exception {
        systemctl(null, false);
        KhloneHarness.Result r = khlone.run(zone, "daemon", "install", "--zone", zone.resolve("missing").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("khlone: --zone " + zone.resolve("missing")).contains("is not a directory").contains("hint:");
        assertThat(unitDir).doesNotExist();
        assertThat(calls()).isEmpty();
    }

    @Test
    void aZoneWhoseDirectoryIsGoneCanStillBeUninstalledAndItsLogRead() throws Exception {
        systemctl(null, false);
        Path doomed = khlone.newDirectory("doomed");
        assertThat(khlone.run(doomed, "status").exitCode()).isZero(); // its daemon records where the zone was
        String unit = "khlone-zone-" + khlone.zone(doomed).id() + ".service";
        assertThat(khlone.run(doomed, "daemon", "install").exitCode()).isZero();
        assertThat(khlone.run(doomed, "daemon", "stop").exitCode()).isZero();
        String path = doomed.toString();
        KhloneHarness.run(new ProcessBuilder("rm", "-rf", path));

        KhloneHarness.Result removed = khlone.run(zone, "daemon", "uninstall", "--zone", path);
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(unitDir.resolve(unit)).doesNotExist();
        assertThat(calls()).contains("--user disable --now " + unit);
        assertThat(khlone.run(zone, "log", "--zone", path).exitCode()).isZero();

        KhloneHarness.Result never = khlone.run(zone, "daemon", "uninstall", "--zone", path + "-never");
        assertThat(never.exitCode()).isEqualTo(2);
        assertThat(never.err()).contains("no such directory, and no zone was ever there").contains("hint: khlone zones");
    }
}
