package dev.khlone.cli;

/**
 * What a TUI's output has left the talker's terminal in, as far as ending the talk cares: whether
 * it is on the alternate screen, and whether the cursor is at the start of a line. Leaving an
 * alternate screen that is not on moves the cursor back to where the last one began (xterm and
 * tmux restore the saved cursor either way), which drew khlone's lines and the shell's prompt over
 * the TUI's goodbye; and a goodbye that does not end its line would have khlone's words appended.
 */
final class TuiScreen {
    private enum State { TEXT, ESCAPE, CSI, STRING }

    /** Longest CSI parameter string kept: the private modes that matter are short. */
    private static final int MAX_PARAMS = 64;

    private State state = State.TEXT;
    private final StringBuilder params = new StringBuilder();
    /** In a string (OSC, DCS, ...): the last byte was ESC, which may begin its terminator. */
    private boolean stringEscape;
    private boolean alternate;
    private boolean atLineStart = true;

    /** Takes the next bytes of the TUI's output, as written to the terminal. */
    synchronized void feed(byte[] bytes) {
        for (byte b : bytes) {
            feed(b & 0xff);
        }
    }

    synchronized boolean alternate() {
        return alternate;
    }

    synchronized boolean atLineStart() {
        return atLineStart;
    }

    /** The terminal went back to the main screen, to the cursor saved when the alternate one began. */
    synchronized void leftAlternate() {
        alternate = false;
        atLineStart = true;
    }

    private void feed(int b) {
        switch (state) {
            case TEXT -> text(b);
            case ESCAPE -> {
                if (b == '[') {
                    params.setLength(0);
                    state = State.CSI;
                } else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
                    stringEscape = false;
                    state = State.STRING;
                } else {
                    state = State.TEXT; // a two-byte sequence (ESC 7, ESC =, ...); none of them moves to a new line
                }
            }
            case CSI -> {
                if (b >= 0x40 && b <= 0x7e) {
                    csi(b);
                    state = State.TEXT;
                } else if (params.length() < MAX_PARAMS) {
                    params.append((char) b);
                }
            }
            case STRING -> {
                if (b == 0x07 || stringEscape && b == '\\') {
                    state = State.TEXT;
                }
                stringEscape = b == 0x1b;
            }
        }
    }

    private void text(int b) {
        if (b == 0x1b) {
            state = State.ESCAPE;
        } else if (b == '\n' || b == '\r') {
            atLineStart = true;
        } else if (b >= 0x20 && b != 0x7f) {
            atLineStart = false;
        }
    }

    private void csi(int command) {
        String p = params.toString();
        if ((command == 'h' || command == 'l') && p.startsWith("?")) {
            for (String mode : p.substring(1).split(";")) {
                if (mode.equals("1049") || mode.equals("1047") || mode.equals("47")) {
                    alternate = command == 'h';
                }
            }
        } else if (command == 'E' || command == 'F') {
            atLineStart = true; // to the first column of a line below or above
        } else if (command == 'G' || command == '`') {
            atLineStart = column(p) == 1;
        } else if (command == 'H' || command == 'f') {
            int semicolon = p.indexOf(';');
            atLineStart = semicolon < 0 || column(p.substring(semicolon + 1)) == 1;
        } else if (command == 'C' || command == 'D' || command == 'a') {
            atLineStart = false; // along the line: where to is not worth working out
        }
    }

    /** A column parameter: 1 when absent, 0 when it is not a number. */
    private static int column(String p) {
        if (p.isEmpty()) {
            return 1;
        }
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
