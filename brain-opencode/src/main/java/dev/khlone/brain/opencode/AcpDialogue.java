package dev.khlone.brain.opencode;

import static dev.khlone.brain.opencode.Acp.list;
import static dev.khlone.brain.opencode.Acp.map;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.JsonLines;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
    private AcpTurn turn;
    /** The session's total cost as opencode last reported it, or NaN when not known (after a load). */
    private double sessionCost;

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
                    receive(json, out);
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
            turn = new AcpTurn(next.mode, nanoTime.getAsLong(), sessionCost);
        }
        inFlight = next;
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", next.id);
        request.put("method", next.method);
        request.put("params", params);
        return (Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void receive(Map<String, Object> json, Out out) {
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
        if (turn != null) { // else a replayed history, or news between turns: Raw
            turn.update(update, out.events);
        }
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
                    setUpFailed("opencode refused to start the Agent Client Protocol: " + Acp.message(error), out);
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
                            ? "opencode could not start a session: " + Acp.message(error)
                            : "opencode could not load session " + sessionId + ": " + Acp.message(error), out);
                }
            }
            case SET_MODE -> {
                if (error == null) {
                    currentMode = modes.of(done.mode);
                } else {
                    setUpFailed("opencode could not switch to mode " + modes.of(done.mode) + ": " + Acp.message(error),
                            out);
                }
            }
            case PROMPT -> {
                AcpTurn t = turn;
                turn = null;
                if (!Double.isNaN(t.costAfter)) {
                    sessionCost = t.costAfter;
                }
                out.events.add(t.completed(result, error, nanoTime.getAsLong(), out.events));
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
}
