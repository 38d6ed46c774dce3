package dev.khlone.brain.opencode;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.JsonLines;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The client side of the Agent Client Protocol (JSON-RPC 2.0, one message per line) with one
 * {@code opencode acp} process, on one session.
 *
 * <p><b>Requests go one at a time.</b> {@link #opening} is {@code initialize}; its answer lets
 * {@code session/new} (fresh series) or {@code session/load} (started series) go, and a prompt
 * needs the session, then {@code session/set_mode} when the task mode differs from the session's,
 * then {@code session/prompt}. A request waits for the answer to the one before it, because the
 * agent runs requests concurrently (a prompt sent behind {@code set_mode} could start in the old
 * mode) and because a prompt needs the id {@code session/new} returns. So {@link #encode} returns
 * the first message that may go now, possibly none, and the rest are written through
 * {@link Sink#reply} as the answers arrive.
 *
 * <p><b>Out</b>, mapped to events:
 * <ul>
 *   <li>the answer to {@code session/new} or {@code session/load} → {@link BrainEvent.SessionStarted}:
 *       opencode stores a session when it creates it, before any prompt;</li>
 *   <li>{@code session/update} {@code agent_message_chunk}s → one {@link BrainEvent.Text} per message,
 *       once it is whole: when a chunk of another message, a tool call or the prompt's answer
 *       comes (the chunks cut words anywhere, and a transcript keeps what a person reads);
 *       {@code tool_call}/{@code tool_call_update} → {@link BrainEvent.ToolUse} once
 *       the call's input is known, {@link BrainEvent.ToolResult} when it completes or fails;</li>
 *   <li>the answer to {@code session/prompt} → {@link BrainEvent.TurnCompleted}: a result
 *       ({@code stopReason}, {@code usage}) or a JSON-RPC error, which is how opencode reports an
 *       API error such as a refused key;</li>
 *   <li>a failed {@code initialize}, {@code session/new}, {@code load} or {@code set_mode} →
 *       {@link BrainEvent.Failed}, which ends the prompt waiting behind it; the next prompt tries
 *       again from where it failed.</li>
 * </ul>
 * While {@code session/load} runs, opencode replays the whole history as {@code session/update}s;
 * those are {@link BrainEvent.Raw}, never a turn's events. So is everything else: thoughts, plans,
 * command lists, usage updates, the agent's requests, lines that are not JSON.
 *
 * <p><b>The agent's requests</b> are answered at once: {@code session/request_permission} with
 * the offered "allow once" option for an act turn and "reject once" for an ask turn (or outside
 * a turn); anything else with "method not found", since this client advertises no file system or
 * terminal capability.
 *
 * <p>{@link #encode} runs on the writer's thread and {@link #decode} on the reader's, so the
 * state is guarded by this object's lock; events and replies are handed out after it is released,
 * because the sink may take locks of its own that a writer holds while it calls {@link #encode}.
 */
final class AcpDialogue implements Dialogue {
    /** The mode ids of opencode's session modes (its primary agents) for each task mode. */
    record Modes(String ask, String act) {
        String of(TaskMode mode) {
            return mode == TaskMode.ASK ? ask : act;
        }
    }

    private static final int METHOD_NOT_FOUND = -32601;
    /** What the JSON-RPC layer puts before every internal error's message; it tells a user nothing. */
    private static final String INTERNAL_ERROR = "Internal error: ";

    private enum Kind { INITIALIZE, NEW, LOAD, SET_MODE, PROMPT }

    /**
     * A request written or waiting to be. Those on the session (SET_MODE, PROMPT) get its id when
     * they are written, since it may not be known yet when they are queued; {@code mode} is theirs.
     */
    private record Request(int id, Kind kind, String method, Map<String, Object> params, TaskMode mode) {}

    private final JsonLines lines = new JsonLines();
    private final Path cwd;
    private final Modes modes;
    private final LongSupplier nanoTime;

    // Guarded by this.
    private int nextId = 1;
    private final Deque<Request> waiting = new ArrayDeque<>();
    private Request inFlight;
    private boolean initialized;
    private String sessionId;
    private boolean sessionReady;
    private String currentMode;
    private Turn turn;
    /** The session's total cost as opencode last reported it, or NaN when not known (after a load). */
    private double sessionCost;

    /** The prompt in flight: its words so far, grouped by message, and what it has used. */
    private static final class Turn {
        final TaskMode mode;
        final long startNanos;
        final Map<String, StringBuilder> messages = new LinkedHashMap<>();
        /** The message whose chunks are arriving, and its words not yet handed out. */
        String streaming;
        final StringBuilder unsaid = new StringBuilder();
        final Map<String, String> toolNames = new HashMap<>();
        final List<String> toolsAnnounced = new ArrayList<>();
        final double costBefore;
        double costAfter = Double.NaN;

        Turn(TaskMode mode, long startNanos, double costBefore) {
            this.mode = mode;
            this.startNanos = startNanos;
            this.costBefore = costBefore;
        }

        String text() {
            List<String> parts = messages.values().stream().map(StringBuilder::toString)
                    .filter(s -> !s.isBlank()).toList();
            return String.join("\n\n", parts);
        }

        /** The streaming message is whole: its words become one event. */
        void said(Out out) {
            if (!unsaid.toString().isBlank()) {
                out.events.add(new BrainEvent.Text(unsaid.toString()));
            }
            unsaid.setLength(0);
            streaming = null;
        }

        /** What the turn cost, or null when opencode did not say. */
        Double cost() {
            return Double.isNaN(costBefore) || Double.isNaN(costAfter) ? null : Double.valueOf(Math.max(0, costAfter - costBefore));
        }
    }

    AcpDialogue(Series series, Path cwd, Modes modes) {
        this(series, cwd, modes, System::nanoTime);
    }

    AcpDialogue(Series series, Path cwd, Modes modes, LongSupplier nanoTime) {
        this.cwd = cwd;
        this.modes = modes;
        this.nanoTime = nanoTime;
        this.sessionId = series.started() ? series.id() : null;
        this.sessionCost = series.started() ? Double.NaN : 0;
    }

    @Override
    public synchronized byte[] opening() {
        waiting.addAll(setUp());
        return sendNext();
    }

    @Override
    public synchronized byte[] encode(Prompt prompt, TaskMode mode) {
        if (inFlight == null && waiting.isEmpty()) {
            waiting.addAll(setUp());
        }
        String modeId = modes.of(mode);
        if (!modeId.equals(currentMode)) {
            waiting.add(new Request(nextId++, Kind.SET_MODE, "session/set_mode", Map.of("modeId", modeId), mode));
        }
        Map<String, Object> text = new LinkedHashMap<>();
        text.put("type", "text");
        text.put("text", prompt.text());
        waiting.add(new Request(nextId++, Kind.PROMPT, "session/prompt", Map.of("prompt", List.of(text)), mode));
        return inFlight == null ? sendNext() : new byte[0];
    }

    @Override
    public void decode(byte[] chunk, int offset, int length, Sink sink) {
        lines.feed(chunk, offset, length, new JsonLines.Handler() {
            @Override
            public void object(Map<String, Object> json, byte[] line) {
                Out out = new Out();
                synchronized (AcpDialogue.this) {
                    message(json, out);
                }
                if (out.events.isEmpty()) {
                    sink.event(new BrainEvent.Raw(line));
                }
                out.replies.forEach(sink::reply);
                out.events.forEach(sink::event);
            }

            @Override
            public void other(byte[] line) {
                sink.event(new BrainEvent.Raw(line));
            }
        });
    }

    /** What one message leads to, handed to the sink outside the lock. */
    private static final class Out {
        final List<BrainEvent> events = new ArrayList<>();
        final List<byte[]> replies = new ArrayList<>();
    }

    // --- under the lock

    /** What must happen before a prompt: what has not happened yet, or failed. */
    private List<Request> setUp() {
        List<Request> steps = new ArrayList<>();
        if (!initialized) {
            Map<String, Object> fs = new LinkedHashMap<>();
            fs.put("readTextFile", false);
            fs.put("writeTextFile", false);
            Map<String, Object> capabilities = new LinkedHashMap<>();
            capabilities.put("fs", fs);
            capabilities.put("terminal", false);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("protocolVersion", 1);
            params.put("clientCapabilities", capabilities);
            steps.add(new Request(nextId++, Kind.INITIALIZE, "initialize", params, null));
        }
        if (!sessionReady) {
            Map<String, Object> params = new LinkedHashMap<>();
            if (sessionId != null) {
                params.put("sessionId", sessionId);
            }
            params.put("cwd", cwd.toString());
            params.put("mcpServers", List.of());
            boolean load = sessionId != null;
            steps.add(new Request(nextId++, load ? Kind.LOAD : Kind.NEW, load ? "session/load" : "session/new", params,
                    null));
        }
        return steps;
    }

    private byte[] sendNext() {
        Request next = waiting.poll();
        if (next == null) {
            return new byte[0];
        }
        Map<String, Object> params = next.params;
        if (next.kind == Kind.SET_MODE || next.kind == Kind.PROMPT) {
            params = new LinkedHashMap<>();
            params.put("sessionId", sessionId);
            params.putAll(next.params);
        }
        if (next.kind == Kind.PROMPT) {
            turn = new Turn(next.mode, nanoTime.getAsLong(), sessionCost);
        }
        inFlight = next;
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", next.id);
        request.put("method", next.method);
        request.put("params", params);
        return (Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void message(Map<String, Object> json, Out out) {
        Object method = json.get("method");
        Object id = json.get("id");
        if (method instanceof String name && id != null) {
            out.replies.add(answer(id, name, map(json.get("params"))));
        } else if ("session/update".equals(method)) {
            update(map(map(json.get("params")).get("update")), out);
        } else if (method == null && id instanceof Number number && inFlight != null
                && number.intValue() == inFlight.id) {
            response(json, out);
        }
    }

    private byte[] answer(Object id, String method, Map<String, Object> params) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("jsonrpc", "2.0");
        reply.put("id", id);
        if (method.equals("session/request_permission")) {
            boolean allow = turn != null && turn.mode == TaskMode.ACT;
            String optionId = null;
            for (Object o : list(params.get("options"))) {
                Map<String, Object> option = map(o);
                if ((allow ? "allow_once" : "reject_once").equals(option.get("kind"))) {
                    optionId = String.valueOf(option.get("optionId"));
                }
            }
            Map<String, Object> outcome = new LinkedHashMap<>();
            if (optionId == null) {
                outcome.put("outcome", "cancelled"); // no fitting option: what a client says when it cannot choose
            } else {
                outcome.put("outcome", "selected");
                outcome.put("optionId", optionId);
            }
            reply.put("result", Map.of("outcome", outcome));
        } else {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", METHOD_NOT_FOUND);
            error.put("message", "khlone does not offer " + method);
            reply.put("error", error);
        }
        return (Json.write(reply) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void update(Map<String, Object> update, Out out) {
        if (turn == null) {
            return; // a replayed history, or news between turns: Raw
        }
        Object kind = update.get("sessionUpdate");
        if ("agent_message_chunk".equals(kind)) {
            Map<String, Object> content = map(update.get("content"));
            if ("text".equals(content.get("type")) && content.get("text") instanceof String text) {
                String message = String.valueOf(update.get("messageId"));
                if (!message.equals(turn.streaming)) {
                    turn.said(out);
                    turn.streaming = message;
                }
                turn.messages.computeIfAbsent(message, m -> new StringBuilder()).append(text);
                turn.unsaid.append(text);
            }
        } else if ("tool_call".equals(kind) || "tool_call_update".equals(kind)) {
            turn.said(out);
            tool(update, out);
        } else if ("usage_update".equals(kind) && map(update.get("cost")).get("amount") instanceof Number amount) {
            turn.costAfter = amount.doubleValue();
        }
    }

    private void tool(Map<String, Object> update, Out out) {
        String id = String.valueOf(update.get("toolCallId"));
        if ("tool_call".equals(update.get("sessionUpdate")) && update.get("title") instanceof String title) {
            turn.toolNames.putIfAbsent(id, title); // the tool's name, before the title turns into its command
        }
        Object status = update.get("status");
        boolean done = "completed".equals(status) || "failed".equals(status);
        Map<String, Object> input = map(update.get("rawInput"));
        // A pending call's input is not the model's yet (bash's is only its cwd); running, it is.
        if (!turn.toolsAnnounced.contains(id) && status != null && !"pending".equals(status)) {
            turn.toolsAnnounced.add(id);
            out.events.add(new BrainEvent.ToolUse(id, turn.toolNames.getOrDefault(id, ""), Json.write(input)));
        }
        if (done) {
            out.events.add(new BrainEvent.ToolResult(id, toolOutput(update), "failed".equals(status)));
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

    private void response(Map<String, Object> json, Out out) {
        Request done = inFlight;
        inFlight = null;
        Map<String, Object> error = json.containsKey("error") ? map(json.get("error")) : null;
        Map<String, Object> result = map(json.get("result"));
        switch (done.kind) {
            case INITIALIZE -> {
                if (error == null) {
                    initialized = true;
                } else {
                    setUpFailed("opencode refused to start the Agent Client Protocol: " + message(error), out);
                }
            }
            case NEW, LOAD -> {
                if (error == null) {
                    if (result.get("sessionId") instanceof String id) {
                        sessionId = id;
                    }
                    sessionReady = true;
                    out.events.add(new BrainEvent.SessionStarted(sessionId));
                } else {
                    setUpFailed(done.kind == Kind.NEW
                            ? "opencode could not start a session: " + message(error)
                            : "opencode could not load session " + sessionId + ": " + message(error), out);
                }
            }
            case SET_MODE -> {
                if (error == null) {
                    currentMode = modes.of(done.mode);
                } else {
                    setUpFailed("opencode could not switch to mode " + modes.of(done.mode) + ": " + message(error),
                            out);
                }
            }
            case PROMPT -> {
                turn.said(out);
                out.events.add(completed(result, error));
            }
        }
        byte[] next = sendNext();
        if (next.length > 0) {
            out.replies.add(next);
        }
    }

    /** The prompt waiting behind a failed step cannot run: it fails with the reason. */
    private void setUpFailed(String reason, Out out) {
        waiting.clear();
        out.events.add(new BrainEvent.Failed(reason));
    }

    private BrainEvent.TurnCompleted completed(Map<String, Object> result, Map<String, Object> error) {
        Turn t = turn;
        turn = null;
        long durationMs = (nanoTime.getAsLong() - t.startNanos) / 1_000_000;
        if (!Double.isNaN(t.costAfter)) {
            sessionCost = t.costAfter;
        }
        if (error != null) {
            return new BrainEvent.TurnCompleted(message(error), Usage.NONE, t.cost(), durationMs, true);
        }
        Map<String, Object> usage = map(result.get("usage"));
        Usage used = new Usage(count(usage.get("inputTokens")),
                count(usage.get("outputTokens")) + count(usage.get("thoughtTokens")),
                count(usage.get("cachedReadTokens")), count(usage.get("cachedWriteTokens")));
        String stopReason = String.valueOf(result.get("stopReason"));
        boolean isError = !stopReason.equals("end_turn");
        String text = t.text();
        if (isError && text.isBlank()) {
            text = "opencode ended the turn: " + stopReason;
        }
        return new BrainEvent.TurnCompleted(text, used, t.cost(), durationMs, isError);
    }

    private static String message(Map<String, Object> error) {
        String message = error.get("message") instanceof String s ? s : "error " + error.get("code");
        return message.startsWith(INTERNAL_ERROR) ? message.substring(INTERNAL_ERROR.length()) : message;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static long count(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
