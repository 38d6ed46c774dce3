package dev.khlone.brain.opencode;

import static dev.khlone.brain.opencode.Acp.count;
import static dev.khlone.brain.opencode.Acp.list;
import static dev.khlone.brain.opencode.Acp.map;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt in flight on an ACP session, from its {@code session/update}s to events: its words
 * grouped by message (one {@link BrainEvent.Text} per whole message), its tool calls, what it
 * cost (opencode reports the session's running total; the turn's is the difference). Guarded by
 * its {@link AcpDialogue}'s lock.
 */
final class AcpTurn {
    final TaskMode mode;
    private final long startNanos;
    private final Map<String, StringBuilder> messages = new LinkedHashMap<>();
    /** The message whose chunks are arriving, and its words not yet handed out. */
    private String streaming;
    private final StringBuilder unsaid = new StringBuilder();
    private final Map<String, String> toolNames = new HashMap<>();
    private final List<String> toolsAnnounced = new ArrayList<>();
    private final double costBefore;
    /** The session's total cost after this turn as opencode reported it, or NaN. */
    double costAfter = Double.NaN;

    AcpTurn(TaskMode mode, long startNanos, double costBefore) {
        this.mode = mode;
        this.startNanos = startNanos;
        this.costBefore = costBefore;
    }

    /** One {@code session/update} of this turn: what it says goes to {@code events}. */
    void update(Map<String, Object> update, List<BrainEvent> events) {
        Object kind = update.get("sessionUpdate");
        if ("agent_message_chunk".equals(kind)) {
            Map<String, Object> content = map(update.get("content"));
            if ("text".equals(content.get("type")) && content.get("text") instanceof String text) {
                String message = String.valueOf(update.get("messageId"));
                if (!message.equals(streaming)) {
                    said(events);
                    streaming = message;
                }
                messages.computeIfAbsent(message, m -> new StringBuilder()).append(text);
                unsaid.append(text);
            }
        } else if ("tool_call".equals(kind) || "tool_call_update".equals(kind)) {
            said(events);
            tool(update, events);
        } else if ("usage_update".equals(kind) && map(update.get("cost")).get("amount") instanceof Number amount) {
            costAfter = amount.doubleValue();
        }
    }

    /** The answer to {@code session/prompt} (a result, or a JSON-RPC error) ends the turn. */
    BrainEvent.TurnCompleted completed(Map<String, Object> result, Map<String, Object> error, long nowNanos,
                                       List<BrainEvent> events) {
        said(events);
        long durationMs = (nowNanos - startNanos) / 1_000_000;
        if (error != null) {
            return new BrainEvent.TurnCompleted(Acp.message(error), Usage.NONE, cost(), durationMs, true);
        }
        Map<String, Object> usage = map(result.get("usage"));
        Usage used = new Usage(count(usage.get("inputTokens")),
                count(usage.get("outputTokens")) + count(usage.get("thoughtTokens")),
                count(usage.get("cachedReadTokens")), count(usage.get("cachedWriteTokens")));
        String stopReason = String.valueOf(result.get("stopReason"));
        boolean isError = !stopReason.equals("end_turn");
        String text = text();
        if (isError && text.isBlank()) {
            text = "opencode ended the turn: " + stopReason;
        }
        return new BrainEvent.TurnCompleted(text, used, cost(), durationMs, isError);
    }

    private String text() {
        List<String> parts = messages.values().stream().map(StringBuilder::toString)
                .filter(s -> !s.isBlank()).toList();
        return String.join("\n\n", parts);
    }

    /** The streaming message is whole: its words become one event. */
    private void said(List<BrainEvent> events) {
        if (!unsaid.toString().isBlank()) {
            events.add(new BrainEvent.Text(unsaid.toString()));
        }
        unsaid.setLength(0);
        streaming = null;
    }

    /** What the turn cost, or null when opencode did not say. */
    private Double cost() {
        return Double.isNaN(costBefore) || Double.isNaN(costAfter) ? null : Double.valueOf(Math.max(0, costAfter - costBefore));
    }

    private void tool(Map<String, Object> update, List<BrainEvent> events) {
        String id = String.valueOf(update.get("toolCallId"));
        if ("tool_call".equals(update.get("sessionUpdate")) && update.get("title") instanceof String title) {
            toolNames.putIfAbsent(id, title); // the tool's name, before the title turns into its command
        }
        Object status = update.get("status");
        boolean done = "completed".equals(status) || "failed".equals(status);
        Map<String, Object> input = map(update.get("rawInput"));
        // A pending call's input is not the model's yet (bash's is only its cwd); running, it is.
        if (!toolsAnnounced.contains(id) && status != null && !"pending".equals(status)) {
            toolsAnnounced.add(id);
            events.add(new BrainEvent.ToolUse(id, toolNames.getOrDefault(id, ""), Json.write(input)));
        }
        if (done) {
            events.add(new BrainEvent.ToolResult(id, toolOutput(update), "failed".equals(status)));
        }
    }

    private static String toolOutput(Map<String, Object> update) {
        List<String> texts = new ArrayList<>();
        for (Object c : list(update.get("content"))) {
            Map<String, Object> content = map(map(c).get("content"));
            if ("text".equals(content.get("type")) && content.get("text") instanceof String text) {
                texts.add(text);
            }
        }
        if (!texts.isEmpty()) {
            return String.join("\n", texts);
        }
        Map<String, Object> raw = map(update.get("rawOutput"));
        Object output = raw.containsKey("output") ? raw.get("output") : raw.get("error");
        return output == null ? "" : String.valueOf(output);
    }
}
