package dev.khlone.protocol.wire;

/** A frame that cannot be accepted; carries what the error reply says. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;
    private final String hint;
    private final String re;

    public ProtocolException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    private ProtocolException(ErrorCode code, String message, String hint, String re) {
        super(message);
        this.code = code;
        this.hint = hint;
        this.re = re;
    }

    public ErrorCode code() {
        return code;
    }

    public String hint() {
        return hint;
    }

    /** The id of the broken request, when the frame got far enough to carry one; else null. */
    public String re() {
        return re;
    }

    ProtocolException about(String id) {
        return new ProtocolException(code, getMessage(), hint, id);
    }

    public Reply.Error reply(String re) {
        return new Reply.Error(re, code, getMessage(), hint);
    }
}
