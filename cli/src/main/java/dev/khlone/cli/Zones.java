package dev.khlone.cli;

import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every zone of this user: the state dirs under KHLONE_HOME whose daemon recorded the zone's root. */
final class Zones {
    private Zones() {}

    /** The zones whose daemons have run, in id order; a zone whose root is gone is still listed. */
    static List<Zone> recorded(Locations locations) {
        List<Zone> zones = new ArrayList<>();
        if (!Files.isDirectory(locations.zones())) {
            return zones;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(locations.zones())) {
            for (Path dir : dirs) {
                Path record = dir.resolve("root");
                if (Files.isRegularFile(record)) {
                    zones.add(new Zone(Path.of(Files.readString(record).strip()), dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot list the zones in " + locations.zones() + ": " + e.getMessage(),
                    "check that KHLONE_HOME (" + locations.home() + ") is yours");
        }
        zones.sort((a, b) -> a.id().compareTo(b.id()));
        return zones;
    }
}
