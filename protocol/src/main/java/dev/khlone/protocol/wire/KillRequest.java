package dev.khlone.protocol.wire;

import java.io.IOException;

/** Shuts a clone down: its brain ends and its queued tasks are cancelled. */
public record KillRequest(String id, String slug) implements Request {
    public static final String TYPE = "kill";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("clone", slug);
    }

    static KillRequest read(Fields f) throws ProtocolException {
        return new KillRequest(f.string("id"), f.string("clone"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.kill(this);
    }
}
