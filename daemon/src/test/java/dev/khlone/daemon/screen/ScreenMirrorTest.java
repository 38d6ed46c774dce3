package dev.khlone.daemon.screen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScreenMirrorTest {

    @Test
    void showsWhatATerminalWouldAfterCursorMovesAndColours() {
        ScreenMirror mirror = new ScreenMirror(40, 6);
        feed(mirror, "first line\r\n\u001b[1;31mred\u001b[0m text\r\n\u001b[2J\u001b[Hredrawn\r\nsecond");
        assertThat(mirror.text()).isEqualTo("redrawn\nsecond");
    }

    @Test
    void aCharacterSplitAcrossChunksIsNotMangled() {
        ScreenMirror mirror = new ScreenMirror(20, 2);
        byte[] bytes = "❯ ok".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            mirror.feed(bytes, i, 1);
        }
        assertThat(mirror.text()).isEqualTo("❯ ok");
    }

    @Test
    void resizingKeepsTheScreen() {
        ScreenMirror mirror = new ScreenMirror(20, 3);
        feed(mirror, "kept");
        mirror.resize(30, 5);
        assertThat(mirror.text()).startsWith("kept");
    }

    private static void feed(ScreenMirror mirror, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        mirror.feed(bytes, 0, bytes.length);
    }
}
