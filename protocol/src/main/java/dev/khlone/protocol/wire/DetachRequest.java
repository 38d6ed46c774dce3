package dev.khlone.protocol.wire;

import java.io.IOException;

/** Leaves the talk on this connection: the clone goes back to its queue; answered by {@link TalkEnded}. */
public record DetachRequest(String id) implements Request {
    public static final String TYPE = "detach";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id);
    }

    static DetachRequest read(Fields f) throws ProtocolException {
        return new DetachRequest(f.string("id"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.detach(this);
    }
}
