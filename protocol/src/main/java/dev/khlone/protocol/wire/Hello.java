package dev.khlone.protocol.wire;

import java.io.IOException;

/** The first frame of every connection. */
public record Hello(String id, int protocol, String client) implements Request {
    public static final String TYPE = "hello";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).number("protocol", protocol).string("client", client);
    }

    static Hello read(Fields f) throws ProtocolException {
        return new Hello(f.string("id"), f.integer("protocol"), f.string("client"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.hello(this);
    }
}
