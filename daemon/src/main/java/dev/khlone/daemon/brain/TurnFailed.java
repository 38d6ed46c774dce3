package dev.khlone.daemon.brain;

/** A {@link BrainHandle} turn that could not end; {@link #reason} says why, which decides what becomes of its task. */
public final class TurnFailed extends RuntimeException {
    /** Why a turn did not end with its own result. */
    public enum Reason {
        /** The brain said the turn failed (a {@code Failed} event). */
        REPORTED,
        /** The process ended before the turn did: a crash. */
        EXITED,
        /** {@link BrainHandle#reboot} or {@link BrainHandle#kill} cut it short, on purpose. */
        INTERRUPTED
    }

    private final Reason reason;

    TurnFailed(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
