package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Push;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchViewTest {
    private static final String SLUG = "foreman.1";

    /** Texts a brain says, plain and not: each must look as LogCommand.body renders it, margins on its continuation lines. */
    private static final List<String> TEXTS = List.of(
            "plain words", "", "   ", "two\nlines", "ends with a newline\n", "trailing blanks \t \n\n", "\nstarts on a new line",
            "naïve café, 日本語, emoji 🚀", "ends in an ideographic space\u3000", "ends in a line separator\u2028",
            "a\ttab inside", "colour \u001b[31mred\u001b[0m", "carriage\rreturn", "crlf\r\nline", "next line\u0085here",
            "del\u007fhere", "csi\u009bK", "title \u001b]0;pwned\u0007 set", "no-break\u00a0space", "x".repeat(5000) + "\nend",
            "a \"quoted\" back\\slash, a question?", "is it 日本? yes\nand?", "café? oui", "?", "??\u2028?", "x".repeat(13) + "é");

    @Test
    void aBrainsTextLooksAsTheLogRendersItWhateverItHolds() {
        for (String text : TEXTS) {
            TranscriptEntry entry = new TranscriptEntry(1L, "t-1", TranscriptEntry.Kind.TEXT, text, null, false);
            String body = LogCommand.body(entry);
            String expected = "● " + SLUG + " │ " + body.replace("\n", "\n" + " ".repeat(SLUG.length() + 2) + "│ ") + "\n";

            assertThat(rendered(entry)).as("%s", text.length() > 60 ? text.substring(0, 60) : text).isEqualTo(expected);
        }
    }

    @Test
    void eachEntryIsMarkedWithItsOwnClone() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WatchView view = new WatchView(WatchView.Style.RENDERED, out);
        for (String slug : List.of("foreman.1", "foreman.1", "scout.2", "foreman.1")) {
            view.show(new Push.Event(null, slug, new TranscriptEntry(1L, "t-1", TranscriptEntry.Kind.TEXT, "hi from " + slug, null, false)));
        }

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("● foreman.1 │   hi from foreman.1\n● foreman.1 │   hi from foreman.1\n"
                + "● scout.2 │   hi from scout.2\n● foreman.1 │   hi from foreman.1\n");
    }

    @Test
    void aTextWithEscapesReachesTheTerminalInert() {
        String shown = rendered(new TranscriptEntry(1L, "t-1", TranscriptEntry.Kind.TEXT, "a \u001b]52;c;Zm9v\u0007 b\u009b2J", null, false));

        assertThat(shown).isEqualTo("● foreman.1 │   a  b\n");
    }

    private static String rendered(TranscriptEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WatchView view = new WatchView(WatchView.Style.RENDERED, out);
        view.show(new Push.Event(null, SLUG, entry));
        return out.toString(StandardCharsets.UTF_8);
    }
}
