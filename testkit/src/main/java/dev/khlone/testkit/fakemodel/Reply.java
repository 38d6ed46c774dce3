package dev.khlone.testkit.fakemodel;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the fake model answers to one turn request, said once for every dialect: the server turns
 * it into that dialect's wire format (Anthropic Messages today).
 */
public sealed interface Reply {

    /** Tokens reported for a reply, so that a client can count tokens and compute a cost. */
    record Usage(long inputTokens, long outputTokens) {
        public static final Usage DEFAULT = new Usage(100, 20);

        public Usage {
            if (inputTokens < 0 || outputTokens < 0) {
                throw new IllegalArgumentException("token counts must not be negative");
            }
        }
    }

    /** The model says {@code text} and ends its turn. */
    record Text(String text, Usage usage, Duration chunkDelay) implements Reply {
        public Text {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(usage, "usage");
            requireNonNegative(chunkDelay);
        }

        public Text withUsage(Usage usage) {
            return new Text(text, usage, chunkDelay);
        }

        /** A slow stream: the server waits this long before every chunk after the first. */
        public Text withChunkDelay(Duration delay) {
            return new Text(text, usage, delay);
        }
    }

    /**
     * The model calls tool {@code name} with {@code input} and stops for its result; the client
     * runs the tool and sends the result in its next request, which takes the next reply.
     */
    record ToolCall(String name, Map<String, Object> input, Usage usage, Duration chunkDelay) implements Reply {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            // Insertion order kept: it is the order of the keys in the JSON the client receives.
            input = Collections.unmodifiableMap(new LinkedHashMap<>(input));
            Objects.requireNonNull(usage, "usage");
            requireNonNegative(chunkDelay);
        }

        public ToolCall withUsage(Usage usage) {
            return new ToolCall(name, input, usage, chunkDelay);
        }

        public ToolCall withChunkDelay(Duration delay) {
            return new ToolCall(name, input, usage, delay);
        }
    }

    /** The API refuses the request with an HTTP error status and the dialect's error body. */
    record Failure(int status, String message) implements Reply {
        public Failure {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("not an HTTP error status: " + status);
            }
            Objects.requireNonNull(message, "message");
        }
    }

    /** The response starts and then never finishes, until the server is closed. */
    record Hang() implements Reply {}

    static Text text(String text) {
        return new Text(text, Usage.DEFAULT, Duration.ZERO);
    }

    static ToolCall toolCall(String name, Map<String, ?> input) {
        return new ToolCall(name, new LinkedHashMap<>(input), Usage.DEFAULT, Duration.ZERO);
    }

    static Failure failure(int status, String message) {
        return new Failure(status, message);
    }

    /** 401, as the real API answers a wrong key. */
    static Failure unauthorized() {
        return new Failure(401, "invalid x-api-key");
    }

    /** 529, as the real API answers when it is overloaded. */
    static Failure overloaded() {
        return new Failure(529, "Overloaded");
    }

    /** 500, an internal error of the API. */
    static Failure serverError() {
        return new Failure(500, "Internal server error");
    }

    static Hang hang() {
        return new Hang();
    }

    private static void requireNonNegative(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
    }
}
