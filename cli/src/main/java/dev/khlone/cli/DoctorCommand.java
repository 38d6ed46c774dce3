package dev.khlone.cli;

import dev.khlone.protocol.wire.BrainReport;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check what khlone needs, and say what to do about each problem.",
                "The install, the state and socket directories and their permissions, the zone's daemon",
                "and the environment its brains get, and each brain: where it is, its version beside the",
                "tested one, and whether it can run (installed, logged in). Starts the daemon if none runs.",
                "Exits 0 when nothing is wrong, 1 otherwise."})
final class DoctorCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    /** What doctor has said so far; a problem makes the exit code 1. */
    private PrintWriter out;
    private Paint paint;
    private int problems;

    DoctorCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        paint = host.paint();
        out.println(Khlone.version() + " on Java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")");
        install();
        Locations locations = zoneOption.locations();
        Zone zone = zoneOption.zone();
        out.println("zone     " + zone.id() + "  " + zone.root());
        privateDir(locations.home(), "KHLONE_HOME");
        privateFile(locations.home().resolve("zone.key"), "the zone key");
        privateDir(locations.zoneDir(zone), "the zone's state");
        socket(locations.socket(zone));
        daemon();
        out.println(problems == 0 ? paint.green("no problems found")
                : paint.red(problems + (problems == 1 ? " problem" : " problems")) + ": see the hints above");
        return problems == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    /** The class-data sharing archives beside the jars: without them every command starts slower. */
    private void install() {
        Path jar;
        try {
            jar = Path.of(DoctorCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            return;
        }
        if (!jar.toString().endsWith(".jar")) {
            return; // run from classes (a test): there is no install to check
        }
        Path lib = jar.getParent();
        for (String archive : new String[] {"khlone-cli.jsa", "khlone-status.jsa", "khlone-daemon.jsa"}) {
            Path file = lib.resolve(archive);
            if (Files.isRegularFile(file)) {
                ok("start-up archive " + file);
            } else {
                note("no start-up archive " + file + ": every command starts slower;"
                        + " scripts/install makes it with the java that runs khlone");
            }
        }
    }

    private void privateDir(Path dir, String what) {
        if (!Files.isDirectory(dir)) {
            ok(what + " " + dir + " (not made yet)");
            return;
        }
        permissions(dir, what, "rwx------", "chmod 700 " + dir);
    }

    private void privateFile(Path file, String what) {
        if (!Files.exists(file)) {
            ok(what + " " + file + " (not made yet)");
            return;
        }
        permissions(file, what, "rw-------", "chmod 600 " + file);
    }

    /** Yours, and nobody else's: other users must not read the state nor take the socket. */
    private void permissions(Path path, String what, String expected, String fix) {
        try {
            int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            String shown = PosixFilePermissions.toString(mode);
            if (uid != me) {
                problem(what + " " + path + " belongs to uid " + uid + ", not you (uid " + me + ")",
                        "set KHLONE_HOME to a directory of your own");
            } else if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                problem(what + " " + path + " is " + shown + ": other users can reach it", fix);
            } else {
                ok(what + " " + path + " (" + shown + ")");
            }
        } catch (IOException | UnsupportedOperationException e) {
            problem("cannot read the permissions of " + path + ": " + e.getMessage(), "check that KHLONE_HOME is yours");
        }
    }

    private void socket(Path socket) {
        try {
            Connection.checkFile(socket);
            ok("socket " + socket);
        } catch (Connection.NotRunning e) {
            ok("socket " + socket + " (none: no daemon serves the zone)");
        } catch (Connection.NotOurs e) {
            problem("socket " + socket + " is held by " + e.getMessage() + "; the daemon serves another path",
                    "remove it if it is stale, or ask its owner");
        }
    }

    /** The daemon (started if need be), the environment its brains get, and each brain as it would start. */
    private void daemon() {
        Reply.DoctorReport report;
        Reply.Welcome welcome;
        try (Connection c = zoneOption.connect()) {
            welcome = c.welcome();
            report = c.call(new Request.Doctor(c.id()), Reply.DoctorReport.class);
        } catch (KhloneException e) {
            problem("the daemon: " + e.getMessage(), e.hint() == null ? "see the daemon's log" : e.hint());
            return;
        }
        out.println("daemon   khlone " + welcome.daemon() + (welcome.daemon().equals(dev.khlone.protocol.Version.CURRENT) ? ""
                : paint.yellow(" (this command is " + dev.khlone.protocol.Version.CURRENT + ": khlone daemon restart)")));
        Map<String, String> env = new TreeMap<>(report.env());
        String path = env.remove("PATH");
        out.println("  brains get PATH=" + path);
        String mine = host.env().get("PATH");
        if (mine != null && !mine.equals(path)) {
            out.println("  " + paint.dim("this shell's PATH differs: the next act, ask, talk or reboot hands it over"));
        }
        env.forEach((name, value) -> out.println("  brains get " + name + (shownInFull(name) ? "=" + value
                : " (set, " + value.length() + " characters)")));
        out.println("brains");
        int width = report.brains().stream().mapToInt(b -> b.name().length()).max().orElse(0);
        for (BrainReport b : report.brains()) {
            String where = b.binary() == null ? "" : "  " + b.binary();
            String name = where.isEmpty() ? b.name() : b.name() + " ".repeat(width - b.name().length());
            String version = b.version() == null ? "" : "  " + b.version();
            if (b.problem() != null) {
                problem(name + where + version + ": " + b.problem(), b.hint());
            } else if (b.tested() != null && (b.version() == null || !b.version().contains(b.tested()))) {
                note(name + where + version + " (tested on " + b.tested()
                        + "): it may work; scripts/brains-check --latest runs khlone's brain tests on the newest versions");
            } else {
                ok(name + where + version + (b.tested() == null ? "" : " (the tested version)"));
            }
        }
    }

    /** Paths and binaries are shown; keys and tokens only as set. */
    private static boolean shownInFull(String name) {
        return name.endsWith("_BIN") || name.endsWith("_HOME") || name.endsWith("_DIR") || name.endsWith("_URL")
                || name.endsWith("_CONFIG");
    }

    private void ok(String what) {
        out.println("  " + paint.green("✓") + " " + what);
    }

    /** Worth knowing, not wrong: no exit code of its own. */
    private void note(String what) {
        out.println("  " + paint.yellow("!") + " " + what);
    }

    private void problem(String what, String hint) {
        problems++;
        out.println("  " + paint.red("✗") + " " + what);
        if (hint != null) {
            out.println("    " + paint.yellow("hint:") + " " + hint);
        }
    }
}
