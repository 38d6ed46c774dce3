package dev.khlone.testkit.fakemodel;

import static dev.khlone.testkit.fakemodel.Shapes.*;

import dev.khlone.protocol.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}, streamed as server-sent events), as Codex
 * CLI 0.169.0 uses it with a custom provider ({@code wire_api = "responses"}).
 *
 * <p>A reply streams as the real API streams one: {@code response.created}, then per output item
 * {@code response.output_item.added}, its deltas ({@code response.output_text.delta} for a message,
 * {@code response.function_call_arguments.delta} or {@code response.custom_tool_call_input.delta}
 * for a call) and {@code response.output_item.done} with the whole item, and last
 * {@code response.completed} with the usage. Errors are the HTTP status with OpenAI's error body,
 * {@code {"error":{"message","type","param","code"}}}; codex 0.169.0 puts the {@code message} in
 * its {@code error} event.
 *
 * <p>A {@link Reply.ToolCall} becomes a {@code function_call} with the input as its JSON arguments
 * (codex's shell tool is {@code exec_command} with {@code cmd}), unless the request offers a tool
 * of that name as a {@code custom} (free-form) tool, as codex offers {@code apply_patch}: then it is
 * a {@code custom_tool_call} whose input is the text under the key {@code input}.
 *
 * <p>Turns and side requests share the path and are told apart by shape: codex's thread-title
 * request (its TUI sends one after the first turn of a thread) asks for structured output,
 * {@code text.format} of type {@code json_schema} with a {@code title}, and offers no tools; its
 * turns never ask for a format. Its metadata cannot tell them apart: both say
 * {@code request_kind: "turn"} (the title's {@code thread_source} is {@code thread_title}).
 */
final class OpenAIResponses implements Dialect {
    static final String RESPONSES = "/v1/responses";

    /** What codex puts into user messages on its own, before the text a person wrote. */
    private static final List<String> CONTEXT_PREFIXES = List.of("<environment_context>", "<user_instructions>",
            "# AGENTS.md instructions", "<turn_aborted>", "<user_shell_command>", "<skills_instructions>");
    /** Deltas are cut this small so that even a short reply streams in several chunks. */
    private static final int CHUNK_CODE_POINTS = 16;

    @Override
    public boolean serves(String method, String path) {
        return path.equals(RESPONSES);
    }

    @Override
    public boolean isTurn(String method, String path, Map<String, Object> body) {
        return method.equals("POST") && path.equals(RESPONSES) && structuredOutputSchema(body) == null;
    }

    @Override
    public String prompt(Map<String, Object> body) {
        List<Object> input = list(body.get("input"));
        for (int i = input.size() - 1; i >= 0; i--) {
            Map<String, Object> item = map(input.get(i));
            if (!"user".equals(item.get("role"))) {
                continue;
            }
            List<String> texts = texts(item.get("content"));
            for (int j = texts.size() - 1; j >= 0; j--) {
                String text = texts.get(j);
                if (CONTEXT_PREFIXES.stream().noneMatch(text::startsWith)) {
                    return text;
                }
            }
        }
        return "";
    }

    @Override
    public List<RecordedRequest.Message> conversation(Map<String, Object> body) {
        List<RecordedRequest.Message> out = new ArrayList<>();
        for (Object i : list(body.get("input"))) {
            Map<String, Object> item = map(i);
            if (item.get("role") instanceof String role) {
                for (String text : texts(item.get("content"))) {
                    out.add(new RecordedRequest.Message(role, text));
                }
            }
        }
        return out;
    }

    @Override
    public List<String> toolResults(Map<String, Object> body) {
        List<String> out = new ArrayList<>();
        for (Object i : list(body.get("input"))) {
            Map<String, Object> item = map(i);
            Object type = item.get("type");
            if ("function_call_output".equals(type) || "custom_tool_call_output".equals(type)) {
                Object output = item.get("output");
                out.add(output instanceof String s ? s : String.join("\n", texts(output)));
            }
        }
        return out;
    }

    @Override
    public Answer answer(Map<String, Object> body, Reply reply, Ids ids) {
        String requestId = ids.next("req_fake_");
        Map<String, String> headers = Map.of("x-request-id", requestId);
        if (reply instanceof Reply.Failure failure) {
            Map<String, Object> error = ordered("message", failure.message(), "type", errorType(failure.status()),
                    "param", null, "code", errorCode(failure.status()));
            return new Answer(failure.status(), "application/json", headers, false,
                    List.of(Json.write(Map.of("error", error))), Duration.ZERO, false);
        }
        String model = body.get("model") instanceof String s ? s : "gpt-fake";
        String responseId = ids.next("resp_fake_");
        List<String> pieces = new ArrayList<>();
        pieces.add(event("response.created", ordered("type", "response.created",
                "response", response(responseId, model, "in_progress", List.of(), null))));
        if (reply instanceof Reply.Hang) {
            return new Answer(200, "text/event-stream", headers, true, pieces, Duration.ZERO, true);
        }
        Map<String, Object> item;
        Reply.Usage usage;
        Duration delay;
        if (reply instanceof Reply.Text text) {
            item = ordered("id", ids.next("msg_fake_"), "type", "message", "status", "completed", "role", "assistant",
                    "content", List.of(ordered("type", "output_text", "annotations", List.of(), "text", text.text())));
            usage = text.usage();
            delay = text.chunkDelay();
        } else if (reply instanceof Reply.ToolCall call) {
            item = custom(body, call.name())
                    ? ordered("id", ids.next("ctc_fake_"), "type", "custom_tool_call", "status", "completed",
                            "call_id", ids.next("call_fake_"), "name", call.name(),
                            "input", String.valueOf(call.input().get("input")))
                    : ordered("id", ids.next("fc_fake_"), "type", "function_call", "status", "completed",
                            "call_id", ids.next("call_fake_"), "name", call.name(),
                            "arguments", Json.write(call.input()));
            usage = call.usage();
            delay = call.chunkDelay();
        } else {
            throw new IllegalStateException("unknown reply " + reply);
        }
        pieces.addAll(itemEvents(item));
        pieces.add(event("response.completed", ordered("type", "response.completed",
                "response", response(responseId, model, "completed", List.of(item), usage))));
        return new Answer(200, "text/event-stream", headers, true, pieces, delay, false);
    }

    /**
     * A request for structured output, such as codex's thread title, gets an object that fits the
     * asked-for schema, e.g. {@code {"title":"Fake title"}}, which codex takes as the title.
     */
    @Override
    public Answer sideAnswer(String method, String path, Map<String, Object> body, Ids ids) {
        Map<String, Object> schema = structuredOutputSchema(body);
        return answer(body, Reply.text(schema == null ? "fake side reply" : Json.write(sampleOf(schema))), ids);
    }

    /** An item's events, from added to done, with its content in small deltas. */
    private static List<String> itemEvents(Map<String, Object> item) {
        String id = (String) item.get("id");
        List<String> pieces = new ArrayList<>();
        Map<String, Object> added = new LinkedHashMap<>(item);
        added.put("status", "in_progress");
        String deltaType;
        String whole;
        switch ((String) item.get("type")) {
            case "message" -> {
                added.put("content", List.of());
                deltaType = "response.output_text.delta";
                whole = (String) map(list(item.get("content")).get(0)).get("text");
            }
            case "function_call" -> {
                added.put("arguments", "");
                deltaType = "response.function_call_arguments.delta";
                whole = (String) item.get("arguments");
            }
            default -> {
                added.put("input", "");
                deltaType = "response.custom_tool_call_input.delta";
                whole = (String) item.get("input");
            }
        }
        pieces.add(event("response.output_item.added", ordered("type", "response.output_item.added",
                "output_index", 0, "item", added)));
        if (item.get("type").equals("message")) {
            pieces.add(event("response.content_part.added", ordered("type", "response.content_part.added",
                    "item_id", id, "output_index", 0, "content_index", 0,
                    "part", ordered("type", "output_text", "annotations", List.of(), "text", ""))));
        }
        for (String chunk : chunks(whole, CHUNK_CODE_POINTS)) {
            Map<String, Object> delta = ordered("type", deltaType, "item_id", id, "output_index", 0);
            if (item.get("type").equals("message")) {
                delta.put("content_index", 0);
            }
            delta.put("delta", chunk);
            pieces.add(event(deltaType, delta));
        }
        pieces.add(event("response.output_item.done", ordered("type", "response.output_item.done",
                "output_index", 0, "item", item)));
        return pieces;
    }

    private static Map<String, Object> response(String id, String model, String status, List<Object> output,
            Reply.Usage usage) {
        Map<String, Object> response = ordered("id", id, "object", "response", "created_at", 0, "status", status,
                "model", model, "output", output);
        response.put("usage", usage == null ? null : ordered(
                "input_tokens", usage.inputTokens(),
                "input_tokens_details", Map.of("cached_tokens", 0),
                "output_tokens", usage.outputTokens(),
                "output_tokens_details", Map.of("reasoning_tokens", 0),
                "total_tokens", usage.inputTokens() + usage.outputTokens()));
        return response;
    }

    /** The JSON schema a request asks its answer to follow ({@code text.format} of type json_schema), or {@code null}. */
    private static Map<String, Object> structuredOutputSchema(Map<String, Object> body) {
        Map<String, Object> format = map(map(body.get("text")).get("format"));
        return "json_schema".equals(format.get("type")) ? map(format.get("schema")) : null;
    }

    /** Whether the request offers {@code name} as a free-form tool, which takes text rather than JSON. */
    private static boolean custom(Map<String, Object> body, String name) {
        return list(body.get("tools")).stream().map(Shapes::map)
                .anyMatch(tool -> "custom".equals(tool.get("type")) && name.equals(tool.get("name")));
    }

    private static String errorType(int status) {
        return switch (status) {
            case 429 -> "requests";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** The text parts of a message's content, a string or a list of input_text/output_text parts. */
    private static List<String> texts(Object content) {
        if (content instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        for (Object p : list(content)) {
            Map<String, Object> part = map(p);
            if (("input_text".equals(part.get("type")) || "output_text".equals(part.get("type")))
                    && part.get("text") instanceof String text) {
                out.add(text);
            }
        }
        return out;
    }

}
