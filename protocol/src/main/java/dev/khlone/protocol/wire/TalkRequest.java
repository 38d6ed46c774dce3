package dev.khlone.protocol.wire;

import java.io.IOException;

/** Attaches the connection to the clone's own TUI: the queue pauses (waiting for a running task, or interrupting it when {@code now}), the clone reboots interactive on its series, and {@link Output} flows until {@link TalkEnded}. */
public record TalkRequest(String id, String who, int cols, int rows, boolean now) implements Request {
    public static final String TYPE = "talk";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("who", who).number("cols", cols).number("rows", rows).bool("now", now);
    }

    static TalkRequest read(Fields f) throws ProtocolException {
        return new TalkRequest(f.string("id"), f.optionalString("who"), f.integer("cols"), f.integer("rows"), f.bool("now", false));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.talk(this);
    }
}
