package dev.khlone.protocol.wire;

import java.io.IOException;

/** Bytes the clone's terminal (or, for raw watchers in dispatch, its stdout) wrote. */
public record Output(String re, byte[] data) implements Reply {
    public static final String TYPE = "output";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).bytes("data", data);
    }

    static Output read(Fields f) throws ProtocolException {
        return new Output(f.string("re"), f.bytes("data"));
    }
}
