package dev.khlone.cli;

import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {"Stop starting the zone's daemon at login.",
                "Removes the systemd user unit 'khlone daemon install' wrote for the zone: the daemon it runs",
                "stops (the next command starts one, as before)."})
final class DaemonUninstallCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    DaemonUninstallCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        Zone zone = zoneOption.existingZone(); // also a zone whose directory is gone: its unit can only fail
        String name = SystemdUnit.name(zone);
        Path file = SystemdUnit.directory(host.env()).resolve(name);
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(file)) {
            out.printf("no unit is installed for zone %s (there is no %s)%n", zone.id(), file);
            return ExitCode.OK;
        }
        Systemctl systemctl;
        try {
            systemctl = Systemctl.find(host, null);
        } catch (KhloneException noSystemd) {
            systemctl = null; // nothing runs it then: the file is all there is to remove
        }
        if (systemctl != null) {
            systemctl.run("disable", "--now", name);
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot remove " + file + ": " + e.getMessage(),
                    "check that " + file.getParent() + " is yours and writable");
        }
        if (systemctl != null) {
            systemctl.run("daemon-reload");
        }
        out.printf("removed %s: the daemon of zone %s no longer starts at login%n", file, zone.id());
        return ExitCode.OK;
    }
}
