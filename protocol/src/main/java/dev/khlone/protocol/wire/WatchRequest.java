package dev.khlone.protocol.wire;

import java.io.IOException;

/** Turns the connection into a live view of a clone until it closes: {@link Watching}, then recent history (or the current screen) and live {@link WatchEvent}s ({@link Output} bytes when {@code raw}, and always while a person talks to the clone). */
public record WatchRequest(String id, String who, boolean raw) implements Request {
    public static final String TYPE = "watch";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("who", who).bool("raw", raw);
    }

    static WatchRequest read(Fields f) throws ProtocolException {
        return new WatchRequest(f.string("id"), f.optionalString("who"), f.bool("raw", false));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.watch(this);
    }
}
