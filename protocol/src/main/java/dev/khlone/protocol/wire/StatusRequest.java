package dev.khlone.protocol.wire;

import java.io.IOException;

/** Asks for the zone's status. */
public record StatusRequest(String id) implements Request {
    public static final String TYPE = "status";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id);
    }

    static StatusRequest read(Fields f) throws ProtocolException {
        return new StatusRequest(f.string("id"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.status(this);
    }
}
