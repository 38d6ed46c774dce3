package dev.khlone.protocol.wire;

/** Stable error codes of {@link Reply.Error}: scripts may match on {@link #wire()}. */
public enum ErrorCode {
    BAD_REQUEST("bad-request"),
    FRAME_TOO_LARGE("frame-too-large"),
    PROTOCOL_MISMATCH("protocol-mismatch"),
    UNKNOWN_CLONE("unknown-clone"),
    UNKNOWN_BRAIN("unknown-brain"),
    BRAIN_MISMATCH("brain-mismatch"),
    BRAIN_UNAVAILABLE("brain-unavailable"),
    UNKNOWN_TASK("unknown-task"),
    TASK_ENDED("task-ended"),
    BUSY("busy"),
    SHUTTING_DOWN("shutting-down"),
    STATE_UNWRITABLE("state-unwritable"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
