package dev.khlone.cli;

import dev.khlone.protocol.wire.StatusRequest;
import dev.khlone.protocol.wire.ZoneStatus;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the zone: its root, its daemon, and the crew.",
                "Starts the zone's daemon if none is running."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Option(names = "--json", description = "Print one JSON object, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Zone zone = zoneOption.zone();
        Locations locations = zoneOption.locations();
        ZoneStatus status;
        try (Connection c = new DaemonConnector(zone, locations).connectOrStart().connection()) {
            status = (ZoneStatus) c.call(new StatusRequest(c.id(), null));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Render.json(out, g -> {
                g.writeObjectFieldStart("zone");
                g.writeStringField("id", status.zone());
                g.writeStringField("root", status.root());
                g.writeEndObject();
                g.writeObjectFieldStart("daemon");
                g.writeNumberField("pid", status.pid());
                g.writeNumberField("uptimeMs", status.uptimeMs());
                g.writeStringField("version", status.version());
                g.writeStringField("socket", locations.socket(zone).toString());
                g.writeStringField("log", locations.daemonLog(zone).toString());
                g.writeEndObject();
                g.writeStringField("state", locations.zoneDir(zone).toString());
            });
        } else {
            out.printf("zone    %s  %s%n", status.zone(), status.root());
            out.printf("daemon  pid %d, up %s, khlone %s%n", status.pid(), Render.duration(status.uptimeMs()),
                    status.version());
            out.printf("socket  %s%n", locations.socket(zone));
            out.printf("state   %s%n", locations.zoneDir(zone));
        }
        return ExitCode.OK;
    }
}
