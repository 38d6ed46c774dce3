package dev.khlone.protocol.wire;

import java.io.IOException;

/** The talk is over and the clone is back to its queue; {@code reason} says why (detached, the TUI exited, ...). */
public record TalkEnded(String re, String reason) implements Reply {
    public static final String TYPE = "talk-ended";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("reason", reason);
    }

    static TalkEnded read(Fields f) throws ProtocolException {
        return new TalkEnded(f.string("re"), f.string("reason"));
    }
}
