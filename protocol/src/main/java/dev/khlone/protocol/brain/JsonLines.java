package dev.khlone.protocol.brain;

import dev.khlone.protocol.Bytes;
import dev.khlone.protocol.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

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

    /** Hands over each line {@code chunk} ends; a line whole in it is read there, not copied through {@code partial} first. */
    public void feed(byte[] chunk, int offset, int length, Handler handler) {
        int start = offset;
        int end = offset + length;
        int i;
        while ((i = Bytes.indexOf(chunk, start, end, (byte) '\n')) >= 0) {
            if (partial.size() == 0) {
                line(chunk, start, i - start, handler);
            } else {
                partial.write(chunk, start, i - start);
                byte[] bytes = partial.toByteArray();
                partial.reset();
                line(bytes, 0, bytes.length, handler);
            }
            start = i + 1;
        }
        partial.write(chunk, start, end - start);
    }

    /**
     * {@link #feed} for a brain whose every line stands alone: each object's {@code events}, and a
     * line that makes none or is no JSON object as it is ({@link BrainEvent.Raw}).
     */
    public void feed(byte[] chunk, int offset, int length, Function<Map<String, Object>, List<BrainEvent>> events,
            Consumer<BrainEvent> sink) {
        feed(chunk, offset, length, new Handler() {
            @Override
            public void object(Map<String, Object> json, byte[] line) {
                List<BrainEvent> made = events.apply(json);
                if (made.isEmpty()) {
                    sink.accept(new BrainEvent.Raw(line));
                } else {
                    made.forEach(sink);
                }
            }

            @Override
            public void other(byte[] line) {
                sink.accept(new BrainEvent.Raw(line));
            }
        });
    }

    private static void line(byte[] bytes, int offset, int length, Handler handler) {
        int len = length;
        if (len > 0 && bytes[offset + len - 1] == '\r') {
            len--;
        }
        if (len == 0) {
            return;
        }
        byte[] line = Arrays.copyOfRange(bytes, offset, offset + len);
        if (line[0] == '{') {
            Map<String, Object> json = object(line);
            if (json != null) {
                handler.object(json, line);
                return;
            }
        }
        handler.other(line);
    }

    /** The line as a JSON object, or null; malformed UTF-8 in it is read as U+FFFD, as a String of it would. */
    private static Map<String, Object> object(byte[] line) {
        try {
            return Json.parseObject(line, 0, line.length);
        } catch (IllegalArgumentException notValidUtf8OrJson) {
            try {
                return Json.parseObject(new String(line, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notJson) {
                return null;
            }
        }
    }
}
