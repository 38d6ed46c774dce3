package dev.khlone.brain.codex;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.JsonLines;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One {@code codex exec --json} process: the prompt is all of its stdin, and its stdout is one
 * JSON event per line (codex 0.169.0), mapped to events:
 * <ul>
 *   <li>{@code thread.started} → {@link BrainEvent.SessionStarted}; codex has the thread's rollout
 *       file by then, so a later {@code exec resume} finds it even if the turn fails or the
 *       process is killed;</li>
 *   <li>{@code item.completed} of an {@code agent_message} → {@link BrainEvent.Text};</li>
 *   <li>a {@code command_execution} (the shell tool) or {@code file_change} (apply_patch) item →
 *       a {@link BrainEvent.ToolUse} when it starts and a {@link BrainEvent.ToolResult} when it
 *       completes, an error when the command exited non-zero or the change failed;</li>
 *   <li>{@code turn.completed} → {@link BrainEvent.TurnCompleted} with the last agent message as
 *       its result; {@code turn.failed} → one with {@code isError} and the API's message.</li>
 * </ul>
 * Everything else is {@link BrainEvent.Raw}: {@code turn.started}, {@code error} (codex says the
 * same words again in {@code turn.failed}), reasoning, to-do lists, web searches, MCP calls, its
 * own notices as {@code error} items, and lines that are not JSON.
 *
 * <p>Tools the sandbox refused in {@code -s read-only} leave no item at all: codex tells the model
 * ("Read-only file system", "patch rejected: writing is blocked by read-only sandbox"), not the
 * JSON stream.
 *
 * <p>Never {@link BrainEvent.Failed}: a turn codex survives ends in {@code turn.completed} or
 * {@code turn.failed}; what it does not survive (an unknown thread id: "no rollout found for
 * thread id", exit 1 with nothing on stdout) it says on stderr, and the process's exit tells the
 * handle.
 *
 * <p>The usage is what codex reports, which for {@code exec resume} is the whole thread's so far
 * (its {@code total_token_usage}), not the turn's: the thread's total before this process,
 * read from its rollout by {@link CodexBrain}, is taken off.
 */
final class CodexDialogue implements Dialogue {
    private final JsonLines lines = new JsonLines();
    private final LongSupplier nanoTime;
    private final Set<String> toolsStarted = new HashSet<>();
    private long turnStarted = -1;
    private String lastMessage = "";
    private String lastError = "";

    /** What the thread had used before this process: codex reports a resumed thread's running total. */
    private final Usage before;

    CodexDialogue() {
        this(System::nanoTime, Usage.NONE);
    }

    /** With a clock of its own, so that a test can tell how long a turn took. */
    CodexDialogue(LongSupplier nanoTime) {
        this(nanoTime, Usage.NONE);
    }

    CodexDialogue(LongSupplier nanoTime, Usage before) {
        this.nanoTime = nanoTime;
        this.before = before;
    }

    /** The prompt as it is: {@code exec} reads stdin to its end ({@code -}) and sends it unchanged. */
    @Override
    public byte[] encode(Prompt prompt, TaskMode mode) {
        return prompt.text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void decode(byte[] chunk, int offset, int length, Sink sink) {
        lines.feed(chunk, offset, length, this::events, sink::event);
    }

    /** What one line means, or nothing if it means nothing to a user. */
    private List<BrainEvent> events(Map<String, Object> json) {
        Object type = json.get("type");
        if ("thread.started".equals(type) && json.get("thread_id") instanceof String id) {
            return List.of(new BrainEvent.SessionStarted(id));
        }
        if ("turn.started".equals(type)) {
            turnStarted = nanoTime.getAsLong();
            lastMessage = "";
            lastError = "";
            return List.of();
        }
        if ("item.started".equals(type)) {
            return itemStarted(map(json.get("item")));
        }
        if ("item.completed".equals(type)) {
            return itemCompleted(map(json.get("item")));
        }
        if ("error".equals(type)) {
            lastError = string(json.get("message"));
            return List.of();
        }
        if ("turn.completed".equals(type)) {
            Map<String, Object> usage = map(json.get("usage"));
            long cached = count(usage.get("cached_input_tokens"));
            // OpenAI counts cached input within input_tokens; Usage keeps them apart.
            Usage total = new Usage(Math.max(0, count(usage.get("input_tokens")) - cached),
                    count(usage.get("output_tokens")), cached, count(usage.get("cache_write_input_tokens")));
            // codex says what a turn used, never what it cost: null, shown as unknown, not as $0
            return List.of(new BrainEvent.TurnCompleted(lastMessage, minus(total, before), null, duration(), false));
        }
        if ("turn.failed".equals(type)) {
            String message = string(map(json.get("error")).get("message"));
            return List.of(new BrainEvent.TurnCompleted(message.isBlank() ? failedWithout() : message,
                    Usage.NONE, null, duration(), true));
        }
        return List.of();
    }

    private List<BrainEvent> itemStarted(Map<String, Object> item) {
        BrainEvent use = toolUse(item);
        if (use == null) {
            return List.of();
        }
        toolsStarted.add(string(item.get("id")));
        return List.of(use);
    }

    private List<BrainEvent> itemCompleted(Map<String, Object> item) {
        Object kind = item.get("type");
        if ("agent_message".equals(kind) && item.get("text") instanceof String text) {
            lastMessage = text;
            return List.of(new BrainEvent.Text(text));
        }
        BrainEvent use = toolUse(item);
        if (use == null) {
            return List.of();
        }
        String id = string(item.get("id"));
        List<BrainEvent> events = new ArrayList<>();
        if (!toolsStarted.remove(id)) {
            events.add(use);
        }
        boolean failed = "failed".equals(item.get("status")) || "declined".equals(item.get("status"));
        if ("command_execution".equals(kind)) {
            boolean nonZero = item.get("exit_code") instanceof Number code && code.longValue() != 0;
            events.add(new BrainEvent.ToolResult(id, string(item.get("aggregated_output")), failed || nonZero));
        } else {
            events.add(new BrainEvent.ToolResult(id, changes(item), failed));
        }
        return events;
    }

    /** The tool call an item stands for, or null if it is no tool of the kinds khlone shows. */
    private static BrainEvent.ToolUse toolUse(Map<String, Object> item) {
        Object kind = item.get("type");
        String id = string(item.get("id"));
        if ("command_execution".equals(kind)) {
            return new BrainEvent.ToolUse(id, "command_execution", Json.write(Map.of("command", string(item.get("command")))));
        }
        if ("file_change".equals(kind)) {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("changes", item.get("changes") instanceof List<?> changes ? changes : List.of());
            return new BrainEvent.ToolUse(id, "file_change", Json.write(input));
        }
        return null;
    }

    /** A file change's result in words: one {@code <kind> <path>} line per file. */
    private static String changes(Map<String, Object> item) {
        List<String> out = new ArrayList<>();
        if (item.get("changes") instanceof List<?> changes) {
            for (Object c : changes) {
                Map<String, Object> change = map(c);
                out.add(string(change.get("kind")) + " " + string(change.get("path")));
            }
        }
        return String.join("\n", out);
    }

    private String failedWithout() {
        return lastError.isBlank() ? "codex ended the turn as failed" : lastError;
    }

    private long duration() {
        return turnStarted < 0 ? 0 : (nanoTime.getAsLong() - turnStarted) / 1_000_000;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String string(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    private static long count(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static Usage minus(Usage total, Usage before) {
        return new Usage(Math.max(0, total.inputTokens() - before.inputTokens()),
                Math.max(0, total.outputTokens() - before.outputTokens()),
                Math.max(0, total.cacheReadTokens() - before.cacheReadTokens()),
                Math.max(0, total.cacheWriteTokens() - before.cacheWriteTokens()));
    }
}
