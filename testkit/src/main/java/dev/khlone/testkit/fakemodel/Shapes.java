package dev.khlone.testkit.fakemodel;

import dev.khlone.protocol.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON shapes and SSE framing the fake server's dialects share. */
final class Shapes {
    private Shapes() {}

    static List<String> chunks(String text, int codePoints) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.offsetByCodePoints(start, Math.min(codePoints, text.codePointCount(start,
                    text.length())));
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    static String errorCode(int status) {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 429 -> "rate_limit_exceeded";
            default -> null;
        };
    }

    static String event(String name, Map<String, Object> data) {
        return "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A small object that satisfies a flat schema: every string property gets a fake value. */
    static Map<String, Object> sampleOf(Map<String, Object> schema) {
        Map<String, Object> sample = new LinkedHashMap<>();
        map(schema.get("properties")).forEach((name, property) -> {
            if ("string".equals(map(property).get("type"))) {
                sample.put(name, "Fake " + name);
            }
        });
        return sample;
    }
}
