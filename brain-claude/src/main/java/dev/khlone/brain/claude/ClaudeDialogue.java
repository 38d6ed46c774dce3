package dev.khlone.brain.claude;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.JsonLines;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * claude's stream-json, one JSON object per line both ways.
 *
 * <p>In: one {@code user} message per prompt. Out, mapped to events:
 * <ul>
 *   <li>{@code system/init} → {@link BrainEvent.SessionStarted}; claude repeats it at the start of
 *       every turn, each time confirming the same id;</li>
 *   <li>{@code assistant} → a {@link BrainEvent.Text} per text block, a {@link BrainEvent.ToolUse}
 *       per tool_use block;</li>
 *   <li>{@code user} → a {@link BrainEvent.ToolResult} per tool_result block;</li>
 *   <li>{@code result} → {@link BrainEvent.TurnCompleted}: the end of every turn, failed ones
 *       included.</li>
 * </ul>
 * Everything else is {@link BrainEvent.Raw}: other system subtypes (background task progress,
 * permission denials, retries), thinking blocks, unknown types, lines that are not JSON, and the
 * assistant message claude makes up for an API error, whose words the turn's result repeats.
 *
 * <p>Never {@link BrainEvent.Failed}: claude ends every turn it survives with a {@code result},
 * errors included (API errors, an unknown {@code --resume} id, budget or turn limits); what it
 * does not survive it reports on stderr, which the decoder does not see, and the process exits,
 * which the handle sees. Nothing on stdout alone makes a turn impossible to complete.
 *
 * <p>One prompt may end in more than one {@code result}: when the model started a background
 * subagent, claude holds the turn's result until the subagent is done, then runs a turn of its
 * own on the subagent's report and ends that one with a second {@code result}.
 */
final class ClaudeDialogue implements Dialogue {
    private final JsonLines lines = new JsonLines();

    @Override
    public byte[] encode(Prompt prompt, TaskMode mode) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "text");
        block.put("text", prompt.text());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "user");
        message.put("content", List.of(block));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "user");
        line.put("message", message);
        return (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void decode(byte[] chunk, int offset, int length, Sink sink) {
        lines.feed(chunk, offset, length, ClaudeDialogue::events, sink::event);
    }

    /** What one line means, or nothing if it means nothing to a user. */
    private static List<BrainEvent> events(Map<String, Object> json) {
        Object type = json.get("type");
        if ("system".equals(type)) {
            return "init".equals(json.get("subtype")) && json.get("session_id") instanceof String id
                    ? List.of(new BrainEvent.SessionStarted(id))
                    : List.of();
        }
        if ("assistant".equals(type)) {
            // claude's own wording of an API error, dressed as the model's; the result carries it.
            return json.containsKey("error") || Boolean.TRUE.equals(json.get("is_api_error_message"))
                    ? List.of()
                    : assistant(blocks(json));
        }
        if ("user".equals(type)) {
            return toolResults(blocks(json));
        }
        if ("result".equals(type)) {
            return List.of(turnCompleted(json));
        }
        return List.of();
    }

    private static List<BrainEvent> assistant(List<Map<String, Object>> blocks) {
        List<BrainEvent> events = new ArrayList<>();
        for (Map<String, Object> block : blocks) {
            Object kind = block.get("type");
            if ("text".equals(kind) && block.get("text") instanceof String text) {
                events.add(new BrainEvent.Text(text));
            } else if ("tool_use".equals(kind)) {
                Object input = block.get("input");
                events.add(new BrainEvent.ToolUse(string(block.get("id")), string(block.get("name")),
                        Json.write(input == null ? Map.of() : input)));
            }
        }
        return events;
    }

    private static List<BrainEvent> toolResults(List<Map<String, Object>> blocks) {
        List<BrainEvent> events = new ArrayList<>();
        for (Map<String, Object> block : blocks) {
            if ("tool_result".equals(block.get("type"))) {
                events.add(new BrainEvent.ToolResult(string(block.get("tool_use_id")), text(block.get("content")),
                        Boolean.TRUE.equals(block.get("is_error"))));
            }
        }
        return events;
    }

    private static BrainEvent.TurnCompleted turnCompleted(Map<String, Object> json) {
        boolean isError = Boolean.TRUE.equals(json.get("is_error"));
        String result = json.get("result") instanceof String text ? text : "";
        if (isError && result.isBlank()) {
            // error_during_execution and the limits carry no result text, only a list of errors.
            String errors = json.get("errors") instanceof List<?> list
                    ? String.join("; ", list.stream().map(String::valueOf).toList())
                    : "";
            result = errors.isBlank() ? "claude ended the turn with " + string(json.get("subtype")) : errors;
        }
        Map<String, Object> usage = map(json.get("usage"));
        return new BrainEvent.TurnCompleted(result,
                new Usage(count(usage.get("input_tokens")), count(usage.get("output_tokens")),
                        count(usage.get("cache_read_input_tokens")), count(usage.get("cache_creation_input_tokens"))),
                cost(json),
                count(json.get("duration_ms")), isError);
    }

    /**
     * What this turn cost. {@code total_cost_usd} is the conversation's spend so far (a second turn
     * on one process says the sum of both, and a resumed process adds its predecessors', observed on
     * 2.1.328); {@code model_usage_since_last_result} prices this turn alone, per model. The total
     * only where that is missing (older claude, which said a turn's own cost there).
     */
    private static Double cost(Map<String, Object> json) {
        if (json.get("model_usage_since_last_result") instanceof Map<?, ?> models) {
            double sum = 0;
            for (Object model : models.values()) {
                if (map(model).get("costUSD") instanceof Number cost) {
                    sum += cost.doubleValue();
                }
            }
            return sum;
        }
        return json.get("total_cost_usd") instanceof Number cost ? Double.valueOf(cost.doubleValue()) : null;
    }

    /** A tool result's content: a string, or a list of blocks of which the text ones count. */
    private static String text(Object content) {
        if (content instanceof String s) {
            return s;
        }
        List<String> texts = new ArrayList<>();
        if (content instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> block = map(item);
                if ("text".equals(block.get("type")) && block.get("text") instanceof String text) {
                    texts.add(text);
                }
            }
        }
        return String.join("\n", texts);
    }

    private static List<Map<String, Object>> blocks(Map<String, Object> json) {
        if (!(map(json.get("message")).get("content") instanceof List<?> content)) {
            return List.of();
        }
        return content.stream().map(ClaudeDialogue::map).toList();
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
}
