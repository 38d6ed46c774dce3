package dev.khlone.cli;

/**
 * Colour for what people read at a terminal: errors, states, clone names. None when the output
 * is not a terminal, when {@code NO_COLOR} is set (no-color.org) or when {@code TERM=dumb}: a
 * script or a pipe gets the same text without escape sequences.
 */
record Paint(boolean on) {
    static final Paint NONE = new Paint(false);

    private static final String RESET = "\u001b[0m";

    /** Paint for a stream that is a terminal or not, under the given environment. */
    static Paint forStream(boolean terminal, java.util.Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return new Paint(terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM")));
    }

    String bold(String text) {
        return sgr("1", text);
    }

    String red(String text) {
        return sgr("1;31", text);
    }

    String green(String text) {
        return sgr("32", text);
    }

    String yellow(String text) {
        return sgr("33", text);
    }

    String dim(String text) {
        return sgr("2", text);
    }

    /** A clone's state as a word in its colour: at work green, failed red, in between yellow. */
    String state(dev.khlone.protocol.wire.CloneInfo.State state) {
        String word = state.wire();
        return switch (state) {
            case ACTIVE, TALKING -> green(word);
            case FAILED -> red(word);
            case REBOOTING -> yellow(word);
            case IDLE -> dim(word);
        };
    }

    /** A task's state as a word in its colour: running green, failed red, cancelled yellow, done dim. */
    String status(dev.khlone.protocol.wire.TaskInfo.Status status) {
        String word = status.wire();
        return switch (status) {
            case ACTIVE -> green(word);
            case FAILED -> red(word);
            case CANCELLED -> yellow(word);
            case QUEUED -> word;
            case DONE -> dim(word);
        };
    }

    private String sgr(String codes, String text) {
        return on && !text.isEmpty() ? "\u001b[" + codes + "m" + text + RESET : text;
    }
}
