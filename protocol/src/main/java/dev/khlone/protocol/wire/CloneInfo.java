package dev.khlone.protocol.wire;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A clone as {@code status} shows it: its brain and state, the task it runs (and since when),
 * its queue, and what it has used so far. {@code failure} says why a failed clone failed;
 * {@code process}: {@link #SINGLE_SHOT} or {@link #PERSISTENT}, how its brain runs tasks (null from an older daemon).
 */
public record CloneInfo(String slug, String brain, State state, String task, long taskStartedMs,
                        List<String> queue, long inputTokens, long outputTokens, Double costUsd,
                        String series, long pid, String failure, String process) {
    /** A fresh process per task, resuming the conversation. */
    public static final String SINGLE_SHOT = "single-shot";
    /** One process for every task. */
    public static final String PERSISTENT = "persistent";

    public CloneInfo {
        queue = List.copyOf(queue);
    }

    public CloneInfo(String slug, String brain, State state, String task, long taskStartedMs, List<String> queue,
                     long inputTokens, long outputTokens, Double costUsd, String series, long pid, String failure) {
        this(slug, brain, state, task, taskStartedMs, queue, inputTokens, outputTokens, costUsd, series, pid, failure, null);
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
                .number("pid", pid).string("failure", failure).string("process", process);
    }

    public static CloneInfo read(Fields f) throws ProtocolException {
        return new CloneInfo(f.string("slug"), f.string("brain"), f.choice(State.class, "state"),
                f.optionalString("task"), f.number("taskStartedMs"), f.strings("queue"), f.number("inputTokens"),
                f.number("outputTokens"), f.optionalDecimal("costUsd"), f.optionalString("series"), f.number("pid"),
                f.optionalString("failure"), f.optionalString("process"));
    }
}
