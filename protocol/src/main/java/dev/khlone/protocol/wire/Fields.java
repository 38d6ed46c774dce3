package dev.khlone.protocol.wire;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A decoded frame's fields with typed access; a wrong or missing field names itself in the error. */
public final class Fields {
    private final String type;
    private final Map<String, Object> values;

    Fields(String type, Map<String, Object> values) {
        this.type = type;
        this.values = values;
    }

    public String type() {
        return type;
    }

    public String string(String name) throws ProtocolException {
        return required(name, optionalString(name));
    }

    public String optionalString(String name) throws ProtocolException {
        Object v = values.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a string");
    }

    public long number(String name) throws ProtocolException {
        return required(name, optionalNumber(name));
    }

    public Long optionalNumber(String name) throws ProtocolException {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        throw wrongType(name, "an integer");
    }

    public int integer(String name) throws ProtocolException {
        long v = number(name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrongType(name, "a 32-bit integer");
        }
        return (int) v;
    }

    public double decimal(String name, double absent) throws ProtocolException {
        Object v = values.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw wrongType(name, "a number");
    }

    /** A number, or null when absent (not known). */
    public Double optionalDecimal(String name) throws ProtocolException {
        return values.get(name) == null ? null : decimal(name, 0);
    }

    public boolean bool(String name, boolean absent) throws ProtocolException {
        Object v = values.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw wrongType(name, "true or false");
    }

    /** One of an enum's values, written by {@link FrameWriter#choice} as its name in lower case. */
    public <E extends Enum<E>> E choice(Class<E> type, String name) throws ProtocolException {
        String value = string(name);
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "field '" + name + "' has no value '" + value + "'");
        }
    }

    public byte[] bytes(String name) throws ProtocolException {
        try {
            return Base64.getDecoder().decode(string(name));
        } catch (IllegalArgumentException e) {
            throw wrongType(name, "base64");
        }
    }

    @SuppressWarnings("unchecked")
    public Fields object(String name) throws ProtocolException {
        Object v = required(name, values.get(name));
        if (!(v instanceof Map)) {
            throw wrongType(name, "an object");
        }
        return new Fields(type, (Map<String, Object>) v);
    }

    /** A list of strings; absent reads as empty. */
    public List<String> strings(String name) throws ProtocolException {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List) || !((List<?>) v).stream().allMatch(x -> x instanceof String)) {
            throw wrongType(name, "a list of strings");
        }
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) v;
        return List.copyOf(strings);
    }

    /** An object of strings, e.g. an environment; absent reads as empty. */
    public Map<String, String> stringMap(String name) throws ProtocolException {
        Object v = values.get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map) || !map.values().stream().allMatch(x -> x instanceof String)) {
            throw wrongType(name, "an object of strings");
        }
        @SuppressWarnings("unchecked")
        Map<String, String> strings = (Map<String, String>) map;
        return Map.copyOf(strings);
    }

    /** Nested objects, e.g. the rows of a listing; absent reads as empty. */
    @SuppressWarnings("unchecked")
    public List<Fields> list(String name) throws ProtocolException {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw wrongType(name, "a list");
        }
        List<Object> items = (List<Object>) v;
        Fields[] out = new Fields[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Map)) {
                throw wrongType(name, "a list of objects");
            }
            out[i] = new Fields(type, (Map<String, Object>) items.get(i));
        }
        return List.of(out);
    }

    private <T> T required(String name, T value) throws ProtocolException {
        if (value == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "'" + type + "' frame is missing field '" + name + "'");
        }
        return value;
    }

    private ProtocolException wrongType(String name, String expected) {
        return new ProtocolException(ErrorCode.BAD_REQUEST,
                "field '" + name + "' of a '" + type + "' frame must be " + expected);
    }
}
