package dev.khlone.brain.opencode;

import java.util.List;
import java.util.Map;

/** Values of the Agent Client Protocol's JSON as read here: a missing or mistyped field reads as empty. */
final class Acp {
    /** What the JSON-RPC layer puts before every internal error's message; it tells a user nothing. */
    private static final String INTERNAL_ERROR = "Internal error: ";

    private Acp() {}

    /** A JSON-RPC error's message, as a person should read it. */
    static String message(Map<String, Object> error) {
        String message = error.get("message") instanceof String s ? s : "error " + error.get("code");
        return message.startsWith(INTERNAL_ERROR) ? message.substring(INTERNAL_ERROR.length()) : message;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static long count(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
