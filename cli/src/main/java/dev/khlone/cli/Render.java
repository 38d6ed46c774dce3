package dev.khlone.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small helpers for what commands print. */
final class Render {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

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
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1fM", n / 1_000_000.0);
    }

    /** A count with thousands separators: "1,234,567". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Dollars to a hundredth of a cent: "$0.0125". */
    static String cost(double usd) {
        return String.format(Locale.ROOT, "$%.4f", usd);
    }

    /** Epoch milliseconds as local date and time, "-" for 0 (not yet). */
    static String time(long ms, ZoneId zone) {
        return ms == 0 ? "-" : DATE_TIME.format(Instant.ofEpochMilli(ms).atZone(zone));
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
                width[i] = Math.max(width[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - row[i].codePointCount(0, row[i].length()));
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

    /** {@code label} padded to {@code width}, then {@code value} with its further lines indented to match. */
    static String field(String label, String value, int width) {
        String indent = " ".repeat(width);
        String padded = (label + indent).substring(0, Math.max(width, label.length() + 1));
        return padded + (value == null ? "-" : value.replace("\n", "\n" + indent));
    }

    interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    /** Prints one pretty-printed JSON object, for scripts (and jq). */
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
