package dev.khlone.protocol.wire;

import java.io.IOException;

/** The daemon's answer to {@link Hello}: its protocol, its version, and the zone it serves. */
public record Welcome(String re, int protocol, String daemon, String zone) implements Reply {
    public static final String TYPE = "welcome";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).number("protocol", protocol).string("daemon", daemon).string("zone", zone);
    }

    static Welcome read(Fields f) throws ProtocolException {
        return new Welcome(f.string("re"), f.integer("protocol"), f.string("daemon"), f.string("zone"));
    }
}
