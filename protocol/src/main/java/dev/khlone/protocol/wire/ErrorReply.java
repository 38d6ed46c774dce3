package dev.khlone.protocol.wire;

import java.io.IOException;

/**
 * A request failed. {@code code} is one of {@link ErrorCode}'s wire names; {@code re} is absent
 * when the frame was too broken to carry an id; {@code hint} says what to do, when there is a fix.
 */
public record ErrorReply(String re, String code, String message, String hint) implements Reply {
    public static final String TYPE = "error";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("code", code).string("message", message).string("hint", hint);
    }

    static ErrorReply read(Fields f) throws ProtocolException {
        return new ErrorReply(f.optionalString("re"), f.string("code"), f.string("message"),
                f.optionalString("hint"));
    }
}
