package dev.khlone.protocol.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.khlone.protocol.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** Writes a message's fields; absent (null) values are left out of the frame. */
public final class FrameWriter {
    /** Writes one element of a nested list. */
    public interface Element<T> {
        void write(T value, FrameWriter out) throws IOException;
    }

    private final JsonGenerator json;

    FrameWriter(JsonGenerator json) {
        this.json = json;
    }

    public FrameWriter string(String name, String value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            byte[] ascii = value.getBytes(StandardCharsets.ISO_8859_1);
            if (plain(ascii, value)) {
                json.writeRawUTF8String(ascii, 0, ascii.length); // what writeString writes, without its char-by-char escaping
            } else {
                json.writeString(value);
            }
        }
        return this;
    }

    /**
     * Whether JSON holds {@code value}, as {@code bytes} (its Latin-1 bytes, '?' for what Latin-1
     * cannot hold), as it is: printable ASCII but the quote and the backslash. Most of a brain's text
     * is: it is then copied, not escaped char by char (a brain's megabytes of output pass here on
     * their way to the transcript and the watchers).
     */
    private static boolean plain(byte[] bytes, String value) {
        for (int i = Bytes.plainRun(bytes, 0, bytes.length, (byte) '?'); i < bytes.length;
                i = Bytes.plainRun(bytes, i + 1, bytes.length, (byte) '?')) {
            if (bytes[i] != '?' || value.charAt(i) != '?') {
                return false;
            }
        }
        return true;
    }

    public FrameWriter number(String name, long value) throws IOException {
        json.writeNumberField(name, value);
        return this;
    }

    /** An enum value as its name in lower case, as {@link Fields#choice} reads it; null writes nothing. */
    public FrameWriter choice(String name, Enum<?> value) throws IOException {
        return string(name, value == null ? null : value.name().toLowerCase(Locale.ROOT));
    }

    /** A number, or nothing when it is not known (null). */
    public FrameWriter decimal(String name, Double value) throws IOException {
        if (value != null) {
            json.writeNumberField(name, value);
        }
        return this;
    }

    public FrameWriter bool(String name, boolean value) throws IOException {
        json.writeBooleanField(name, value);
        return this;
    }

    public FrameWriter bytes(String name, byte[] value) throws IOException {
        return string(name, value == null ? null : Base64.getEncoder().encodeToString(value));
    }

    /** A nested object; nothing when {@code value} is null. */
    public <T> FrameWriter object(String name, T value, Element<T> element) throws IOException {
        if (value != null) {
            json.writeObjectFieldStart(name);
            element.write(value, this);
            json.writeEndObject();
        }
        return this;
    }

    public FrameWriter strings(String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
        return this;
    }

    /** A map of strings as one JSON object, its keys sorted: the same map makes the same frame. */
    public FrameWriter strings(String name, Map<String, String> values) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(values).entrySet()) {
            json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        return this;
    }

    public <T> FrameWriter list(String name, List<T> items, Element<T> element) throws IOException {
        json.writeArrayFieldStart(name);
        for (T item : items) {
            json.writeStartObject();
            element.write(item, this);
            json.writeEndObject();
        }
        json.writeEndArray();
        return this;
    }
}
