package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a brain's text may not do to the terminal it is printed on. */
class RenderTest {
    private static final String ESC = "\033";

    @Test
    void plainTextIsUntouched() {
        String text = "Résumé:\n\t- 3 tests ✓\n";
        assertThat(Render.printable(text)).isSameAs(text);
        assertThat(Render.printable(null)).isNull();
    }

    @Test
    void aTitleAClipboardWriteAndAClearedScreenAreDropped() {
        assertThat(Render.printable("a" + ESC + "]0;pwned" + "\007" + "b")).isEqualTo("ab");
        assertThat(Render.printable("a" + ESC + "]52;c;Y3VybCBldmlsIHwgc2g=" + ESC + "\\b")).isEqualTo("ab");
        assertThat(Render.printable(ESC + "[2J" + ESC + "[H" + ESC + "[3J" + "clean")).isEqualTo("clean");
        assertThat(Render.printable(ESC + "[1;31mred" + ESC + "[0m")).isEqualTo("red");
    }

    @Test
    void everyKindOfSequenceAndStrayControlIsDropped() {
        assertThat(Render.printable(ESC + "Pq#0;2;0;0;0" + ESC + "\\x")).as("DCS (sixel)").isEqualTo("x");
        assertThat(Render.printable(ESC + "_apc" + ESC + "\\x")).as("APC").isEqualTo("x");
        assertThat(Render.printable(ESC + "(Bx" + ESC + "7y" + ESC + "cz")).as("charset, save cursor, reset").isEqualTo("xyz");
        assertThat(Render.printable("\u009b2Jx\u009d0;t\u009cy")).as("C1 CSI and OSC").isEqualTo("xy");
        assertThat(Render.printable("✓ \u009b2Jdone ✓" + ESC + "[Hx")).as("beside what Latin-1 cannot hold").isEqualTo("✓ done ✓x");
        assertThat(Render.printable("bell\007 back\b\b del\177 nul\0")).isEqualTo("bell back del nul");
        assertThat(Render.printable("cut" + ESC)).as("an ESC at the very end").isEqualTo("cut");
        assertThat(Render.printable(ESC + "]0;never terminated")).isEmpty();
    }

    @Test
    void aCarriageReturnCannotHideTheStartOfALine() {
        assertThat(Render.printable("rm -rf ~\rls")).isEqualTo("rm -rf ~\nls");
        assertThat(Render.printable("windows\r\nlines\r\n")).isEqualTo("windows\nlines\n");
    }

    @Test
    void tokensAndCostsReadAsTheyDidWithStringFormat() {
        assertThat(Render.tokens(999)).isEqualTo("999");
        assertThat(Render.tokens(12_345)).isEqualTo("12.3k");
        assertThat(Render.tokens(4_560_000)).isEqualTo("4.6M");
        assertThat(Render.cost(0.0)).isEqualTo("$0.0000");
        assertThat(Render.cost(0.0125)).isEqualTo("$0.0125");
        assertThat(Render.cost(12.5)).isEqualTo("$12.5000");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            long n = 1000 + random.nextInt(50_000_000);
            double usd = random.nextInt(10_000_000) / 100_000.0;
            assertThat(Render.tokens(n)).as("%d tokens", n).isEqualTo(n < 1_000_000
                    ? String.format(java.util.Locale.ROOT, "%.1fk", n / 1000.0)
                    : String.format(java.util.Locale.ROOT, "%.1fM", n / 1_000_000.0));
            assertThat(Render.cost(usd)).as("$%s", usd).isEqualTo(String.format(java.util.Locale.ROOT, "$%.4f", usd));
        }
    }
}
