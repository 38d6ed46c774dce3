package dev.khlone.protocol.wire;

import java.io.IOException;

/** The clone's TUI is up and the connection is attached to it. */
public record Talking(String re, String slug) implements Reply {
    public static final String TYPE = "talking";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("clone", slug);
    }

    static Talking read(Fields f) throws ProtocolException {
        return new Talking(f.string("re"), f.string("clone"));
    }
}
