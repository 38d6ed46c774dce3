package dev.khlone.protocol.wire;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A clone as {@code status} and {@code top} show it: its brain and state, the task it runs (and
 * since when), its queue, and what it has used so far. {@code failure} says why a failed clone
 * failed; {@code process}: {@link #SINGLE_SHOT} or {@link #PERSISTENT}, how its brain runs tasks
 * (null from an older daemon); {@code prompt} is the running task's prompt's first line, {@code said}
 * the last line the brain said (words or a tool call), each cut to {@link #LINE} characters (null
 * when there is none).
 */
public record CloneInfo(String slug, String brain, State state, String task, long taskStartedMs,
                        List<String> queue, long inputTokens, long outputTokens, Double costUsd,
                        String series, long pid, String failure, String process, String prompt, String said) {
    /** A fresh process per task, resuming the conversation. */
    public static final String SINGLE_SHOT = "single-shot";
    /** One process for every task. */
    public static final String PERSISTENT = "persistent";
    /** The most of a line {@code prompt} and {@code said} carry: a wide dashboard's column, not a whole text. */
    public static final int LINE = 200;

    public CloneInfo {
        queue = List.copyOf(queue);
    }

    public CloneInfo(String slug, String brain, State state, String task, long taskStartedMs,
                     List<String> queue, long inputTokens, long outputTokens, Double costUsd,
                     String series, long pid, String failure) {
        this(slug, brain, state, task, taskStartedMs, queue, inputTokens, outputTokens, costUsd, series, pid, failure,
                null, null, null);
    }

    /** The first non-blank line of {@code text}, stripped and cut to {@link #LINE}; null for none. */
    public static String firstLine(String text) {
        return text == null ? null : text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .map(CloneInfo::cut).orElse(null);
    }

    /**
     * The last non-blank line of {@code text}, as {@link #firstLine}: read from the end, since the
     * brain's reader asks it of every text it says, however long.
     */
    public static String lastLine(String text) {
        if (text == null) {
            return null;
        }
        int end = text.length();
        while (end > 0) {
            int start = Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1)) + 1;
            String line = text.substring(start, end).strip();
            if (!line.isEmpty()) {
                return cut(line);
            }
            end = start - 1;
        }
        return null;
    }

    private static String cut(String line) {
        if (line.length() <= LINE) {
            return line;
        }
        return line.substring(0, Character.isHighSurrogate(line.charAt(LINE - 1)) ? LINE - 1 : LINE);
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
                .number("pid", pid).string("failure", failure).string("process", process)
                .string("prompt", prompt).string("said", said);
    }

    public static CloneInfo read(Fields f) throws ProtocolException {
        return new CloneInfo(f.string("slug"), f.string("brain"), f.choice(State.class, "state"),
                f.optionalString("task"), f.number("taskStartedMs"), f.strings("queue"), f.number("inputTokens"),
                f.number("outputTokens"), f.optionalDecimal("costUsd"), f.optionalString("series"), f.number("pid"),
                f.optionalString("failure"), f.optionalString("process"), f.optionalString("prompt"),
                f.optionalString("said"));
    }
}
