package dev.khlone.protocol.wire;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A clone as {@code status} shows it: its brain and state, the task it runs (and since when),
 * its queue, and what it has used so far. {@code failure} says why a failed clone failed.
 */
public record CloneInfo(String slug, String brain, State state, String task, long taskStartedMs,
                        List<String> queue, long inputTokens, long outputTokens, Double costUsd,
                        String series, long pid, String failure) {

    public CloneInfo {
        queue = List.copyOf(queue);
    }

    public enum State {
        IDLE, ACTIVE, TALKING, REBOOTING, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public void write(FrameWriter out) throws IOException {
        out.string("slug", slug).string("brain", brain).choice("state", state).string("task", task)
                .number("taskStartedMs", taskStartedMs).strings("queue", queue).number("inputTokens", inputTokens)
                .number("outputTokens", outputTokens).decimal("costUsd", costUsd).string("series", series)
                .number("pid", pid).string("failure", failure);
    }

    public static CloneInfo read(Fields f) throws ProtocolException {
        return new CloneInfo(f.string("slug"), f.string("brain"), f.choice(State.class, "state"),
                f.optionalString("task"), f.number("taskStartedMs"), f.strings("queue"), f.number("inputTokens"),
                f.number("outputTokens"), f.optionalDecimal("costUsd"), f.optionalString("series"), f.number("pid"),
                f.optionalString("failure"));
    }
}
