package dev.khlone.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small helpers for what commands print. */
final class Render {
    private static final JsonFactory JSON = new JsonFactory();

    private Render() {}

    /** A duration for people: "42s", "3m 12s", "2h 5m", "4d 3h". */
    static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    /** A count of tokens, short: "980", "12.3k", "4.5M". */
    static String tokens(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        return n < 1_000_000 ? tenths(n, 1000) + "k" : tenths(n, 1_000_000) + "M";
    }

    /** {@code n / unit} to one decimal, rounded half up. Not String.format: its locale data costs a status ~5 ms. */
    private static String tenths(long n, long unit) {
        long tenths = (n + unit / 20) / (unit / 10);
        return tenths / 10 + "." + tenths % 10;
    }

    /** A count with thousands separators: "1,234,567". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Dollars to a hundredth of a cent, rounded half up as String.format would: "$0.0125"; "—" when the brain did not say. */
    static String cost(Double usd) {
        if (usd == null) {
            return "—";
        }
        return "$" + BigDecimal.valueOf(usd).setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * Dollars for JSON, to a millionth and without float noise: sums of brains' costs read
     * 0.0024999999999999996, which no script wants to show.
     */
    static BigDecimal dollars(Double usd) {
        if (usd == null) {
            return null; // written as null: the cost is not known
        }
        BigDecimal rounded = BigDecimal.valueOf(usd).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
    }

    /** Epoch milliseconds as local date and time, "-" for 0 (not yet). */
    static String time(long ms, ZoneId zone) {
        return ms == 0 ? "-" : DateTimes.FORMAT.format(Instant.ofEpochMilli(ms).atZone(zone));
    }

    /** Made on first use: a formatter loads locale data, which a {@code status} of the crew does not need. */
    private static final class DateTimes {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    }

    /**
     * Rows of cells as aligned columns, two spaces apart; {@code right[i]} aligns column i to the
     * right. Trailing spaces are trimmed, so a row may leave its last cells empty.
     */
    static List<String> columns(List<String[]> rows, boolean... right) {
        int n = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[n];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], width(row[i]));
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - width(row[i]));
                if (i > 0) {
                    line.append("  ");
                }
                boolean r = i < right.length && right[i];
                line.append(r ? pad : "").append(row[i]).append(r ? "" : pad);
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** The columns {@code cell} takes on a screen: its code points, less those of colour sequences. */
    static int width(String cell) {
        int width = 0;
        for (int i = 0; i < cell.length(); i++) {
            if (cell.charAt(i) == ESC && i + 1 < cell.length() && cell.charAt(i + 1) == '[') {
                i += 2;
                while (i < cell.length() && cell.charAt(i) != 'm') {
                    i++;
                }
            } else if (!Character.isLowSurrogate(cell.charAt(i))) {
                width++;
            }
        }
        return width;
    }

    /** {@code label} padded to {@code width}, then {@code value} with its further lines indented to match. */
    static String field(String label, String value, int width) {
        String indent = " ".repeat(width);
        String padded = (label + indent).substring(0, Math.max(width, label.length() + 1));
        return padded + (value == null ? "-" : value.replace("\n", "\n" + indent));
    }

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;
    /** The C1 string terminator, and C1's own introducers of CSI, OSC and the other control strings. */
    private static final char ST = 0x9c;
    private static final char C1_CSI = 0x9b;

    /**
     * {@code text} made inert for a terminal: escape sequences (titles, clearing the screen, OSC 52
     * writing the clipboard, cursor moves) and other control characters are dropped; a lone carriage
     * return becomes a line break, so it cannot hide what came before it on the line. Newlines and
     * tabs stay. A brain's reply is somebody else's text: shown rendered, it must not drive the
     * terminal (raw watch and talk are the terminal's own bytes, and are not passed through here).
     */
    static String printable(String text) {
        if (text == null || inert(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                out.append(c);
            } else if (c == '\r') {
                if (i + 1 >= n || text.charAt(i + 1) != '\n') {
                    out.append('\n');
                }
            } else if (c == ESC && i + 1 < n) {
                i = skipEscape(text, i + 1);
            } else if (c == C1_CSI) {
                i = skipCsi(text, i + 1);
            } else if (c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f) {
                i = skipString(text, i + 1);
            }
        }
        return out.toString();
    }

    /**
     * Whether {@code text} has no control character: most of a brain's text. Looked at as Latin-1
     * bytes (a copy, for most text; every control character is below U+00A0, and what Latin-1 cannot
     * hold becomes '?'): a watcher renders megabytes of text, and a loop of {@code charAt} costs it
     * three times as much on C1.
     */
    private static boolean inert(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            if (CONTROL[b & 0xff]) {
                return false;
            }
        }
        return true;
    }

    /** {@link #isControl} of each Latin-1 character: one load a character. */
    private static final boolean[] CONTROL = new boolean[256];

    static {
        for (int c = 0; c < CONTROL.length; c++) {
            CONTROL[c] = isControl(c);
        }
    }

    private static boolean isControl(int c) {
        return c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f;
    }

    /** Skips the sequence after an ESC at {@code i - 1}; returns the index of its last char. */
    private static int skipEscape(String text, int i) {
        char c = text.charAt(i);
        switch (c) {
            case '[':
                return skipCsi(text, i + 1);
            case ']': case 'P': case 'X': case '^': case '_':
                return skipString(text, i + 1);
            default:
                // nF sequences (ESC ( B ...) carry intermediates before their final char; the rest are two chars.
                while (c >= 0x20 && c <= 0x2f && i + 1 < text.length()) {
                    c = text.charAt(++i);
                }
                return i;
        }
    }

    /** Parameters and intermediates (0x20-0x3f) up to a final char (0x40-0x7e); returns its index. */
    private static int skipCsi(String text, int i) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x3f) {
                return c >= 0x40 && c <= 0x7e ? i : i - 1;
            }
            i++;
        }
        return i - 1;
    }

    /** An OSC, DCS, SOS, PM or APC string up to BEL or ST (ESC backslash, or C1's ST); returns the terminator's index. */
    private static int skipString(String text, int i) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == BEL || c == ST) {
                return i;
            }
            if (c == ESC && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                return i + 1;
            }
            i++;
        }
        return i - 1;
    }

    interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    /** Prints one pretty-printed JSON object, for scripts (and jq). */
    /** One JSON object on one line, for JSON-lines output. */
    static String jsonLine(JsonBody body) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static void json(PrintWriter out, JsonBody body) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(text);
    }
}
