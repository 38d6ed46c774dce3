package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code top} shows of a prompt and of what a brain said: one line of it, cut to a column's width. */
class CloneInfoTest {
    @Test
    void theFirstAndLastNonBlankLinesStrippedWhateverEndsTheLines() {
        String text = "\n  first words \r\nmiddle\r\n\n  last words  \r\n \n";
        assertThat(CloneInfo.firstLine(text)).isEqualTo("first words");
        assertThat(CloneInfo.lastLine(text)).isEqualTo("last words");
        assertThat(CloneInfo.lastLine("only\rone")).isEqualTo("one");
        assertThat(CloneInfo.lastLine("single")).isEqualTo("single");
        assertThat(CloneInfo.lastLine(" \n\r\n ")).isNull();
        assertThat(CloneInfo.lastLine("")).isNull();
        assertThat(CloneInfo.lastLine(null)).isNull();
    }

    @Test
    void aLongLineIsCutToTheColumnNeverInsideACharacter() {
        String wide = "x".repeat(CloneInfo.LINE - 1) + "😀" + "tail";
        assertThat(CloneInfo.lastLine("before\n" + wide)).hasSize(CloneInfo.LINE - 1).isEqualTo("x".repeat(CloneInfo.LINE - 1));
        assertThat(CloneInfo.firstLine("y".repeat(500))).hasSize(CloneInfo.LINE);
    }
}
