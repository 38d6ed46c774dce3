package dev.khlone.protocol.wire;

import java.io.IOException;

/** Restarts a clone's brain on its series; revives a failed clone. */
public record RebootRequest(String id, String slug) implements Request {
    public static final String TYPE = "reboot";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("clone", slug);
    }

    static RebootRequest read(Fields f) throws ProtocolException {
        return new RebootRequest(f.string("id"), f.string("clone"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.reboot(this);
    }
}
