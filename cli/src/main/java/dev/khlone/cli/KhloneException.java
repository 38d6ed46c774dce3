package dev.khlone.cli;

/** A failure to report to the user as one line plus a hint, and the exit code that goes with it. */
class KhloneException extends RuntimeException {
    private final int exitCode;
    private final String hint;

    KhloneException(int exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    KhloneException(int exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    int exitCode() {
        return exitCode;
    }

    String hint() {
        return hint;
    }
}
