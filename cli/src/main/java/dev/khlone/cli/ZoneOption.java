package dev.khlone.cli;

import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.protocol.zone.ZoneKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --zone PATH}, shared by every command that talks to a zone, and the one way to reach its daemon. */
final class ZoneOption {
    private final Host host;

    @Option(names = "--zone", paramLabel = "PATH|@BRANCH",
            description = {"The zone's root (default: the git worktree containing the current directory, else the current directory).",
                    "@BRANCH: the worktree of that branch of the repository here, made beside the main one"
                            + " (<repo>@<branch>) if there is none."})
    Path root;

    ZoneOption(Host host) {
        this.host = host;
    }

    /** The zone named, a worktree of {@code @branch} made if need be. */
    Zone zone() {
        return zone(true);
    }

    /**
     * The zone named, never making a worktree: for commands that only read or undo (log, daemon
     * uninstall), so that a branch whose worktree is gone, or a directory that is gone, is found by
     * the root its daemon recorded.
     */
    Zone existingZone() {
        return zone(false);
    }

    /** The branch {@code --zone @branch} names, or null. */
    String branch() {
        String text = root == null ? "" : root.toString();
        return text.startsWith("@") ? text.substring(1) : null;
    }

    private Zone zone(boolean make) {
        Locations locations = host.locations();
        try {
            String branch = branch();
            if (branch != null) {
                Worktrees worktrees = new Worktrees(Path.of("").toAbsolutePath());
                if (make) {
                    return locations.zoneAt(worktrees.findOrAdd(branch));
                }
                worktrees.checkName(branch);
                Optional<Worktrees.Worktree> found = worktrees.of(branch);
                if (found.isPresent()) {
                    return locations.zoneAt(found.get().path());
                }
                Path place = worktrees.placeFor(branch);
                return recordedAt(place, "--zone @" + branch + ": the branch has no worktree, and no zone was ever at " + place);
            }
            if (root != null && !make && !Files.exists(root)) {
                return recordedAt(root.toAbsolutePath().normalize(), "--zone " + root + ": no such directory, and no zone was ever there");
            }
            return root == null ? locations.zoneContaining(Path.of("").toAbsolutePath()) : locations.zoneAt(root);
        } catch (ZoneKey.Unavailable e) {
            throw new KhloneException(ExitCode.FAILED, e.getMessage(),
                    "check that KHLONE_HOME (" + locations.home() + ") is yours and writable");
        } catch (IOException e) {
            throw new KhloneException(ExitCode.USAGE, "--zone " + root + ": " + e.getMessage(),
                    "name an existing directory");
        }
    }

    /** The zone whose daemon recorded {@code root}, though the directory is gone; else a usage error saying {@code none}. */
    private Zone recordedAt(Path root, String none) {
        return Zones.recorded(host.locations()).stream().filter(z -> z.root().equals(root)).findFirst()
                .orElseThrow(() -> new KhloneException(ExitCode.USAGE, none, "khlone zones lists the zones"));
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
