package dev.khlone.protocol.wire;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The zone as its daemon sees it: the daemon, the hero's slug, and the crew. */
public record ZoneStatus(String re, String root, String zone, long pid, long uptimeMs, String version, String hero,
                         List<CloneInfo> clones) implements Reply {
    public ZoneStatus {
        clones = List.copyOf(clones);
    }

    public static final String TYPE = "zone-status";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("root", root).string("zone", zone).number("pid", pid)
                .number("uptimeMs", uptimeMs).string("version", version).string("hero", hero)
                .list("clones", clones, CloneInfo::write);
    }

    static ZoneStatus read(Fields f) throws ProtocolException {
        return new ZoneStatus(f.string("re"), f.string("root"), f.string("zone"), f.number("pid"),
                f.number("uptimeMs"), f.string("version"), f.optionalString("hero"),
                readClones(f));
    }

    private static List<CloneInfo> readClones(Fields f) throws ProtocolException {
        List<CloneInfo> clones = new ArrayList<>();
        for (Fields c : f.list("clones")) {
            clones.add(CloneInfo.read(c));
        }
        return clones;
    }
}
