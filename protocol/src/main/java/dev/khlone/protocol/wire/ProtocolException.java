package dev.khlone.protocol.wire;

/** A frame that cannot be accepted; carries what the error reply says. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;
    private final String hint;

    public ProtocolException(ErrorCode code, String message, String hint) {
        super(message);
        this.code = code;
        this.hint = hint;
    }

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    public String hint() {
        return hint;
    }

    public ErrorReply reply(String re) {
        return new ErrorReply(re, code.wire(), getMessage(), hint);
    }
}
