package dev.khlone.daemon.screen;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jline.utils.ScreenTerminal;

/**
 * What an interactive clone's terminal shows now, kept by JLine's headless terminal emulator fed
 * with the PTY's output: so a watcher who attaches gets the current screen, not a replay of every
 * byte, and tests can read the screen as a person would.
 */
public final class ScreenMirror {
    private final ScreenTerminal screen;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of a character split across two chunks wait here for the rest. */
    private ByteBuffer pending = ByteBuffer.allocate(0);

    public ScreenMirror(int cols, int rows) {
        screen = new ScreenTerminal(cols, rows);
    }

    /**
     * Feeds the terminal's output, in order; a multi-byte character may be split across calls.
     * Returns what a terminal would answer to the queries in it, as a terminal would have at that
     * point of the output: the cursor's position ({@code CSI 6n}, {@code CSI ?6n}), its status
     * ({@code CSI 5n}) and device attributes ({@code CSI c}, answered by JLine's emulator); a query
     * split across two calls goes unanswered, as it would by a terminal that does not know it.
     */
    public synchronized byte[] feed(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + length);
        in.put(pending).put(bytes, offset, length).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining());
        utf8.decode(in, out, false);
        pending = in.slice();
        out.flip();
        StringBuilder answers = new StringBuilder();
        String text = out.toString();
        int from = 0;
        for (int at = text.indexOf("\u001b[", from); at >= 0; at = text.indexOf("\u001b[", at + 2)) {
            String query = text.startsWith("6n", at + 2) ? "6n" : text.startsWith("?6n", at + 2) ? "?6n"
                    : text.startsWith("5n", at + 2) ? "5n" : null;
            if (query == null) {
                continue;
            }
            screen.write(text.substring(from, at));
            answers.append(screen.read());
            if (query.equals("5n")) {
                answers.append("\u001b[0n");
            } else {
                int[] cursor = new int[2];
                screen.dump(new long[screen.getWidth() * screen.getHeight()], cursor);
                answers.append("\u001b[").append(query.startsWith("?") ? "?" : "").append(cursor[1] + 1).append(';')
                        .append(cursor[0] + 1).append('R');
            }
            from = at + 2 + query.length();
        }
        screen.write(text.substring(from));
        answers.append(screen.read());
        return answers.toString().getBytes(StandardCharsets.UTF_8);
    }

    public synchronized void resize(int cols, int rows) {
        screen.setSize(cols, rows);
    }

    /**
     * Bytes that paint the current screen on a fresh terminal of the same size: every cell with
     * its attributes, then the cursor. What a watcher who attaches mid-session gets instead of a
     * replay of everything the TUI ever wrote.
     */
    public synchronized byte[] redraw() {
        int width = screen.getWidth();
        int height = screen.getHeight();
        long[] cells = new long[width * height];
        int[] cursor = new int[2];
        screen.dump(cells, cursor);
        StringBuilder out = new StringBuilder("\u001b[0m\u001b[H\u001b[2J");
        long attributes = 0;
        for (int y = 0; y < height; y++) {
            int end = width;
            while (end > 0 && ScreenTerminal.cellAttr(cells[y * width + end - 1]) == 0
                    && ScreenTerminal.cellCodePoint(cells[y * width + end - 1]) == ' ') {
                end--;
            }
            if (end == 0) {
                continue;
            }
            out.append("\u001b[").append(y + 1).append(";1H");
            for (int x = 0; x < end; x++) {
                long cell = cells[y * width + x];
                int codePoint = ScreenTerminal.cellCodePoint(cell);
                if (codePoint == 0) {
                    continue; // the second half of a wide character
                }
                if (ScreenTerminal.cellAttr(cell) != attributes) {
                    attributes = ScreenTerminal.cellAttr(cell);
                    out.append(sgr(cell));
                }
                out.appendCodePoint(codePoint);
            }
        }
        out.append("\u001b[0m\u001b[").append(cursor[1] + 1).append(';').append(cursor[0] + 1).append('H');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sgr(long cell) {
        StringBuilder s = new StringBuilder("\u001b[0");
        if (ScreenTerminal.cellBold(cell)) {
            s.append(";1");
        }
        if (ScreenTerminal.cellDim(cell)) {
            s.append(";2");
        }
        if (ScreenTerminal.cellItalic(cell)) {
            s.append(";3");
        }
        if (ScreenTerminal.cellUnderline(cell)) {
            s.append(";4");
        }
        if (ScreenTerminal.cellInverse(cell)) {
            s.append(";7");
        }
        if (ScreenTerminal.cellConceal(cell)) {
            s.append(";8");
        }
        if (ScreenTerminal.cellHasForeground(cell)) {
            s.append(";38;2;").append(rgb(ScreenTerminal.cellColorRgb(ScreenTerminal.cellForeground(cell))));
        }
        if (ScreenTerminal.cellHasBackground(cell)) {
            s.append(";48;2;").append(rgb(ScreenTerminal.cellColorRgb(ScreenTerminal.cellBackground(cell))));
        }
        return s.append('m').toString();
    }

    private static String rgb(int rgb) {
        return ((rgb >> 16) & 0xff) + ";" + ((rgb >> 8) & 0xff) + ";" + (rgb & 0xff);
    }

    /** The screen as plain text, one line per row, trailing blanks trimmed. */
    public synchronized String text() {
        StringBuilder text = new StringBuilder();
        for (String line : screen.toString().split("\n", -1)) {
            text.append(line.stripTrailing()).append('\n');
        }
        return text.toString().stripTrailing();
    }
}
