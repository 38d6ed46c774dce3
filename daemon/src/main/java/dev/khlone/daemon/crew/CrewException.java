package dev.khlone.daemon.crew;

import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Reply;

/** A request the crew cannot carry out, with what to tell the user; nothing was changed. */
public final class CrewException extends Exception {
    private final ErrorCode code;
    private final String hint;

    public CrewException(ErrorCode code, String message, String hint) {
        super(message);
        this.code = code;
        this.hint = hint;
    }

    public Reply.Error reply(String re) {
        return new Reply.Error(re, code, getMessage(), hint);
    }
}
