package dev.khlone.protocol.wire;

import java.io.IOException;

/** Asks the daemon to shut down in order: it answers {@link Ok}, then stops and removes its socket. */
public record StopRequest(String id) implements Request {
    public static final String TYPE = "stop";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id);
    }

    static StopRequest read(Fields f) throws ProtocolException {
        return new StopRequest(f.string("id"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.stop(this);
    }
}
