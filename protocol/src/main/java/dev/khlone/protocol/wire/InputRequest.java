package dev.khlone.protocol.wire;

import java.io.IOException;

/** Keystrokes for the TUI of the talk on this connection; never answered. */
public record InputRequest(String id, byte[] data) implements Request {
    public static final String TYPE = "input";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).bytes("data", data);
    }

    static InputRequest read(Fields f) throws ProtocolException {
        return new InputRequest(f.string("id"), f.bytes("data"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.input(this);
    }
}
