package dev.khlone.cli;

import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.protocol.zone.ZoneKey;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --zone PATH}, shared by every command that talks to a zone, and the one way to reach its daemon. */
final class ZoneOption {
    private final Host host;

    @Option(names = "--zone", paramLabel = "PATH",
            description = "The zone's root (default: the git worktree containing the current directory, else the current directory).")
    Path root;

    ZoneOption(Host host) {
        this.host = host;
    }

    Zone zone() {
        Locations locations = host.locations();
        try {
            return root == null ? locations.zoneContaining(Path.of("").toAbsolutePath()) : locations.zoneAt(root);
        } catch (ZoneKey.Unavailable e) {
            throw new KhloneException(ExitCode.FAILED, e.getMessage(),
                    "check that KHLONE_HOME (" + locations.home() + ") is yours and writable");
        } catch (IOException e) {
            throw new KhloneException(ExitCode.USAGE, "--zone " + root + ": " + e.getMessage(),
                    "name an existing directory");
        }
    }

    Locations locations() {
        return host.locations();
    }

    /** The zone's daemon, to be found or started. */
    DaemonConnector daemon() {
        return new DaemonConnector(zone(), host);
    }

    /** A connection to the zone's daemon that has said hello, starting the daemon if none runs. */
    Connection connect() {
        return daemon().connectOrStart().connection();
    }
}
