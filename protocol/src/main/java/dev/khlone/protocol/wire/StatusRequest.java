package dev.khlone.protocol.wire;

import java.io.IOException;

/** Asks for the zone's status: its daemon and its crew, or the clones {@code who} names (null for all). */
public record StatusRequest(String id, String who) implements Request {
    public static final String TYPE = "status";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("who", who);
    }

    static StatusRequest read(Fields f) throws ProtocolException {
        return new StatusRequest(f.string("id"), f.optionalString("who"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.status(this);
    }
}
