package dev.khlone.protocol.wire;

import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A task as people and scripts see it ({@code cloneSlug} is the wire's {@code clone}): what was asked of which clone, where it stands, and what
 * it came to. Times are epoch milliseconds, 0 for "not yet". The daemon's journal stores the
 * same record. {@code costUsd} is null while no turn has said what it cost (codex never does);
 * {@code budgetUsd}, the cap on it, null for none.
 */
public record TaskInfo(String id, String cloneSlug, TaskMode mode, String prompt, Status status, int attempts,
                       long createdMs, long startedMs, long endedMs, String result, String error,
                       long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
                       Double costUsd, long durationMs, List<String> interruptions, String trigger,
                       Double budgetUsd) {

    /**
     * {@code interruptions}: why each attempt that counts against the task (a crash, a daemon's death) was cut short;
     * {@code trigger}: the name of the khlone.yml trigger that started it, null for a task someone asked for.
     */
    public TaskInfo {
        interruptions = interruptions == null ? List.of() : List.copyOf(interruptions);
    }

    /** Every accepted task ends in {@code DONE}, {@code FAILED} or {@code CANCELLED}. */
    public enum Status {
        QUEUED, ACTIVE, DONE, FAILED, CANCELLED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean ended() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    public static TaskInfo queued(String id, String cloneSlug, TaskMode mode, String prompt, long nowMs) {
        return new TaskInfo(id, cloneSlug, mode, prompt, Status.QUEUED, 0, nowMs, 0, 0, null, null, 0, 0, 0, 0, null, 0, List.of(), null, null);
    }

    /** The same task, started by the khlone.yml trigger {@code name}. */
    public TaskInfo triggeredBy(String name) {
        return new TaskInfo(id, cloneSlug, mode, prompt, status, attempts, createdMs, startedMs, endedMs, result, error,
                inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd, durationMs, interruptions, name, budgetUsd);
    }

    /** With a cap of {@code usd} dollars on what its turns cost; null for none. */
    public TaskInfo withBudget(Double usd) {
        return new TaskInfo(id, cloneSlug, mode, prompt, status, attempts, createdMs, startedMs, endedMs, result, error,
                inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd, durationMs, interruptions, trigger, usd);
    }

    /** Whether what its turns reported passes its budget. */
    public boolean overBudget() {
        return budgetUsd != null && costUsd != null && costUsd > budgetUsd;
    }

    public TaskInfo started(long nowMs) {
        return new TaskInfo(id, cloneSlug, mode, prompt, Status.ACTIVE, attempts + 1, createdMs,
                startedMs == 0 ? nowMs : startedMs, 0, null, null, inputTokens, outputTokens, cacheReadTokens,
                cacheWriteTokens, costUsd, durationMs, interruptions, trigger, budgetUsd);
    }

    /** Back in the queue, interrupted on someone's request: keeps what its attempts used. */
    public TaskInfo requeued() {
        return new TaskInfo(id, cloneSlug, mode, prompt, Status.QUEUED, attempts, createdMs, startedMs, 0, null, null,
                inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd, durationMs, interruptions, trigger, budgetUsd);
    }

    /** Back in the queue after an attempt that counts against it was cut short (its brain crashed, the daemon died). */
    public TaskInfo interrupted(String why) {
        List<String> all = new ArrayList<>(interruptions);
        all.add(why);
        return new TaskInfo(id, cloneSlug, mode, prompt, Status.QUEUED, attempts, createdMs, startedMs, 0, null, null,
                inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd, durationMs, all, trigger, budgetUsd);
    }

    /** Adds what one turn used; a task's tokens and cost are the sum over its attempts (a cost not said adds nothing). */
    public TaskInfo used(long input, long output, long cacheRead, long cacheWrite, Double cost, long duration) {
        return new TaskInfo(id, cloneSlug, mode, prompt, status, attempts, createdMs, startedMs, endedMs, result, error,
                inputTokens + input, outputTokens + output, cacheReadTokens + cacheRead, cacheWriteTokens + cacheWrite,
                plus(costUsd, cost), durationMs + duration, interruptions, trigger, budgetUsd);
    }

    /** The sum of two costs, either of which may be unknown (null); unknown only when both are. */
    public static Double plus(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(a + b);
    }

    public TaskInfo ended(Status end, String result, String error, long nowMs) {
        return new TaskInfo(id, cloneSlug, mode, prompt, end, attempts, createdMs, startedMs, nowMs, result, error,
                inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd, durationMs, interruptions, trigger, budgetUsd);
    }

    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("clone", cloneSlug).choice("mode", mode).string("prompt", prompt)
                .choice("status", status).number("attempts", attempts).number("createdMs", createdMs)
                .number("startedMs", startedMs).number("endedMs", endedMs).string("result", result)
                .string("error", error).number("inputTokens", inputTokens).number("outputTokens", outputTokens)
                .number("cacheReadTokens", cacheReadTokens).number("cacheWriteTokens", cacheWriteTokens)
                .decimal("costUsd", costUsd).number("durationMs", durationMs)
                .strings("interruptions", interruptions).string("trigger", trigger).decimal("budgetUsd", budgetUsd);
    }

    public static TaskInfo read(Fields f) throws ProtocolException {
        return new TaskInfo(f.string("id"), f.string("clone"), f.choice(TaskMode.class, "mode"), f.string("prompt"),
                f.choice(Status.class, "status"), f.integer("attempts"), f.number("createdMs"),
                f.number("startedMs"), f.number("endedMs"), f.optionalString("result"), f.optionalString("error"),
                f.number("inputTokens"), f.number("outputTokens"), f.number("cacheReadTokens"),
                f.number("cacheWriteTokens"), f.optionalDecimal("costUsd"), f.number("durationMs"),
                f.strings("interruptions"), f.optionalString("trigger"), f.optionalDecimal("budgetUsd"));
    }
}
