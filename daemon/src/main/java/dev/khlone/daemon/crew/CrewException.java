package dev.khlone.daemon.crew;

import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** A request the crew cannot carry out, with what to tell the user; nothing was changed. */
public final class CrewException extends Exception {
    private final ErrorCode code;
    private final String hint;

    public CrewException(ErrorCode code, String message, String hint) {
        super(message);
        this.code = code;
        this.hint = hint;
    }

    /** The state dir ({@code home}) refused a write; {@code what} says what became of the request. */
    static CrewException unwritable(IOException e, Path home, String what) {
        String why = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
        return new CrewException(ErrorCode.STATE_UNWRITABLE, "the zone's state could not be saved: "
                + why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1),
                "free space on the disk of KHLONE_HOME (" + home + ") or fix its permissions; " + what);
    }

    public Reply.Error reply(String re) {
        return new Reply.Error(re, code, getMessage(), hint);
    }
}
