package dev.khlone.protocol.brain;

import dev.khlone.protocol.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Splits a brain's stdout into lines and parses each as a JSON object: the framing all three
 * brains use. Lines that are not a JSON object are handed over as they are.
 */
public final class JsonLines {
    /** What a dialogue does with each line. */
    public interface Handler {
        /** A JSON object, parsed, and the line it came from (without its newline). */
        void object(Map<String, Object> json, byte[] line);

        void other(byte[] line);
    }

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    public void feed(byte[] chunk, int offset, int length, Handler handler) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (chunk[i] == '\n') {
                partial.write(chunk, start, i - start);
                line(partial.toByteArray(), handler);
                partial.reset();
                start = i + 1;
            }
        }
        partial.write(chunk, start, end - start);
    }

    private static void line(byte[] bytes, Handler handler) {
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        if (len == 0) {
            return;
        }
        String text = new String(bytes, 0, len, StandardCharsets.UTF_8);
        if (text.charAt(0) == '{') {
            try {
                handler.object(Json.parseObject(text), Arrays.copyOf(bytes, len));
                return;
            } catch (IllegalArgumentException notJson) {
                // handed over as it is
            }
        }
        handler.other(Arrays.copyOf(bytes, len));
    }
}
