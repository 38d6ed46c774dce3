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

    /** Feeds the terminal's output, in order; a multi-byte character may be split across calls. */
    public synchronized void feed(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + length);
        in.put(pending).put(bytes, offset, length).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining());
        utf8.decode(in, out, false);
        pending = in.slice();
        out.flip();
        screen.write(out);
    }

    public synchronized void resize(int cols, int rows) {
        screen.setSize(cols, rows);
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
