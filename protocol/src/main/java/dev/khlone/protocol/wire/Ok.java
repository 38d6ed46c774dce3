package dev.khlone.protocol.wire;

import java.io.IOException;

/** A request was carried out and there is nothing more to say. */
public record Ok(String re) implements Reply {
    public static final String TYPE = "ok";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re);
    }

    static Ok read(Fields f) throws ProtocolException {
        return new Ok(f.string("re"));
    }
}
