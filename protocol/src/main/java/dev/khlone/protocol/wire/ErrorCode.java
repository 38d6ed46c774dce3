package dev.khlone.protocol.wire;

/** Stable error codes of {@link ErrorReply}: scripts may match on {@link #wire()}. */
public enum ErrorCode {
    BAD_REQUEST("bad-request"),
    FRAME_TOO_LARGE("frame-too-large"),
    PROTOCOL_MISMATCH("protocol-mismatch"),
    SHUTTING_DOWN("shutting-down"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
