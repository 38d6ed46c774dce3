package dev.khlone.cli;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Start the zone's daemon at login, and again after a failure.",
                "A systemd user unit (systemctl --user) runs it, so a zone's work goes on after a reboot without",
                "anyone typing a command. The unit keeps this command's PATH and where khlone keeps its state,",
                "never an API key. Where there is no systemd, it says so and changes nothing.",
                "'khlone daemon uninstall' removes it."})
final class DaemonInstallCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    DaemonInstallCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        DaemonConnector daemon = zoneOption.daemon();
        Zone zone = daemon.zone();
        Path launcher = DaemonProcess.launcher();
        Systemctl systemctl = Systemctl.find(host, withoutSystemd(launcher, zone));
        SystemdUnit unit = SystemdUnit.of(zone, launcher, daemon.locations().daemonLog(zone), host.env());
        if (Stream.concat(Stream.of(zone.root().toString(), launcher.toString()), unit.environment().values().stream())
                .anyMatch(value -> value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new KhloneException(ExitCode.USAGE, "a line break in the zone's path or the environment cannot go into a unit file",
                    "rename the directory, or unset the variable with a line break in it");
        }
        Path file = SystemdUnit.directory(host.env()).resolve(unit.name());
        boolean existed = Files.exists(file);
        // systemd opens the log (StandardError=append:) before the daemon runs, and fails without its directory.
        daemon.makeStateDir();
        DaemonProcess.createLog(daemon.locations().daemonLog(zone));
        write(file, unit.text());
        systemctl.run("daemon-reload");
        PrintWriter out = spec.commandLine().getOut();
        if (systemctl.says("is-active", "--quiet", unit.name())) {
            systemctl.run("enable", unit.name());
            out.printf("updated %s: systemd runs the daemon of zone %s; the new unit applies from its next start"
                    + " (now: systemctl --user restart %s)%n", file, zone.id(), unit.name());
        } else if (daemon.find() instanceof DaemonConnector.Answering running) {
            long pid;
            try (Connection c = running.connection()) {
                pid = c.call(new Request.Status(c.id(), null), Reply.ZoneStatus.class).pid();
            }
            systemctl.run("enable", unit.name());
            out.printf("%s %s: the daemon of zone %s starts at login and restarts on failure%n",
                    existed ? "updated" : "installed", file, zone.id());
            out.printf("the daemon running now (pid %d) keeps serving; to hand it to systemd now:"
                    + " khlone daemon stop && systemctl --user start %s%n", pid, unit.name());
        } else {
            systemctl.run("enable", "--now", unit.name());
            out.printf("%s %s: the daemon of zone %s runs now, starts at login and restarts on failure%n",
                    existed ? "updated" : "installed", file, zone.id());
        }
        return ExitCode.OK;
    }

    /** What to do where there is no systemd: start the daemon at boot from cron, or leave it to the first command. */
    private static String withoutSystemd(Path launcher, Zone zone) {
        return "nothing was changed; to start it at boot add '@reboot " + shellWord(launcher.toString()) + " daemon start --zone "
                + shellWord(zone.root().toString()) + "' to your crontab (crontab -e), or let the next khlone command"
                + " start it (KHLONE_IDLE_EXIT=30m lets it leave when idle)";
    }

    private static String shellWord(String s) {
        return s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-@+".indexOf(c) >= 0) ? s
                : "'" + s.replace("'", "'\\''") + "'";
    }

    /** A temp file renamed into place, so the manager never reads half a unit. */
    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot write " + file + ": " + e.getMessage(),
                    "check that " + file.getParent() + " is yours and writable");
        }
    }
}
