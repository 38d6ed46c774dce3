package dev.khlone.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

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
