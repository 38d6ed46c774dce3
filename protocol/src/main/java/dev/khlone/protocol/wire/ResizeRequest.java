package dev.khlone.protocol.wire;

import java.io.IOException;

/** The talker's terminal changed size; never answered. */
public record ResizeRequest(String id, int cols, int rows) implements Request {
    public static final String TYPE = "resize";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).number("cols", cols).number("rows", rows);
    }

    static ResizeRequest read(Fields f) throws ProtocolException {
        return new ResizeRequest(f.string("id"), f.integer("cols"), f.integer("rows"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.resize(this);
    }
}
