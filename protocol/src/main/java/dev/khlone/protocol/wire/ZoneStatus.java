package dev.khlone.protocol.wire;

import java.io.IOException;

/** The zone as its daemon sees it. */
public record ZoneStatus(String re, String root, String zone, long pid, long uptimeMs, String version)
        implements Reply {
    public static final String TYPE = "zone-status";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("root", root).string("zone", zone).number("pid", pid)
                .number("uptimeMs", uptimeMs).string("version", version);
    }

    static ZoneStatus read(Fields f) throws ProtocolException {
        return new ZoneStatus(f.string("re"), f.string("root"), f.string("zone"), f.number("pid"),
                f.number("uptimeMs"), f.string("version"));
    }
}
