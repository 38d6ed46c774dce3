package dev.khlone.testkit.fakemodel;

import static dev.khlone.testkit.fakemodel.Shapes.*;

import dev.khlone.protocol.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}, streamed as server-sent events or not),
 * as Claude Code 2.1.328 uses it.
 *
 * <p>Turns and side requests are told apart by shape, because they share the path: Claude Code's
 * turn requests carry {@code context_management} and, unless all tools are switched off, a
 * non-empty {@code tools}; its session-title request offers {@code tools: []}, has no
 * {@code context_management}, and asks for JSON through {@code output_config.format}. See
 * {@link FakeModelServer} for what was observed.
 */
final class AnthropicMessages implements Dialect {
    static final String MESSAGES = "/v1/messages";
    static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    /** Claude Code's connectivity check, sent when non-essential traffic is allowed. */
    static final String HELLO = "/api/hello";

    private static final String SYSTEM_REMINDER = "<system-reminder>";
    /** Text deltas are cut this small so that even a short reply streams in several chunks. */
    private static final int CHUNK_CODE_POINTS = 16;

    @Override
    public boolean serves(String method, String path) {
        return path.equals(HELLO) || path.equals(MESSAGES) || path.equals(COUNT_TOKENS);
    }

    @Override
    public boolean isTurn(String method, String path, Map<String, Object> body) {
        if (!method.equals("POST") || !path.equals(MESSAGES) || structuredOutputSchema(body) != null) {
            return false;
        }
        return !list(body.get("tools")).isEmpty() || body.containsKey("context_management");
    }

    @Override
    public String prompt(Map<String, Object> body) {
        List<Object> messages = list(body.get("messages"));
        for (int i = messages.size() - 1; i >= 0; i--) {
            Map<String, Object> message = map(messages.get(i));
            if (!"user".equals(message.get("role"))) {
                continue;
            }
            List<String> texts = texts(message.get("content"));
            for (int j = texts.size() - 1; j >= 0; j--) {
                // Claude Code puts its own <system-reminder> blocks into user messages.
                if (!texts.get(j).startsWith(SYSTEM_REMINDER)) {
                    return texts.get(j);
                }
            }
        }
        return "";
    }

    @Override
    public List<RecordedRequest.Message> conversation(Map<String, Object> body) {
        List<RecordedRequest.Message> out = new ArrayList<>();
        for (Object m : list(body.get("messages"))) {
            Map<String, Object> message = map(m);
            String role = String.valueOf(message.get("role"));
            for (String text : texts(message.get("content"))) {
                out.add(new RecordedRequest.Message(role, text));
            }
        }
        return out;
    }

    @Override
    public List<String> toolResults(Map<String, Object> body) {
        List<String> out = new ArrayList<>();
        for (Object m : list(body.get("messages"))) {
            for (Object b : list(map(m).get("content"))) {
                Map<String, Object> block = map(b);
                if ("tool_result".equals(block.get("type"))) {
                    Object content = block.get("content");
                    out.add(content instanceof String s ? s : String.join("\n", texts(content)));
                }
            }
        }
        return out;
    }

    @Override
    public Answer answer(Map<String, Object> body, Reply reply, Ids ids) {
        boolean stream = Boolean.TRUE.equals(body.get("stream"));
        String model = body.get("model") instanceof String s ? s : "claude-fake";
        String requestId = ids.next("req_fake_");
        Map<String, String> headers = Map.of("request-id", requestId);
        if (reply instanceof Reply.Failure failure) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("type", "error");
            error.put("error", ordered("type", errorType(failure.status()), "message", failure.message()));
            return new Answer(failure.status(), "application/json", headers, false,
                    List.of(Json.write(error)), Duration.ZERO, false);
        }
        String messageId = ids.next("msg_fake_");
        if (reply instanceof Reply.Hang) {
            List<String> pieces = stream
                    ? List.of(event("message_start", messageStart(messageId, model, Reply.Usage.DEFAULT)))
                    : List.of();
            return new Answer(200, stream ? "text/event-stream" : "application/json", headers, true,
                    pieces, Duration.ZERO, true);
        }
        Map<String, Object> block;
        String stopReason;
        Reply.Usage usage;
        Duration delay;
        if (reply instanceof Reply.Text text) {
            block = new LinkedHashMap<>(Map.of("type", "text", "text", text.text()));
            stopReason = "end_turn";
            usage = text.usage();
            delay = text.chunkDelay();
        } else if (reply instanceof Reply.ToolCall call) {
            block = new LinkedHashMap<>();
            block.put("type", "tool_use");
            block.put("id", ids.next("toolu_fake_"));
            block.put("name", call.name());
            block.put("input", call.input());
            stopReason = "tool_use";
            usage = call.usage();
            delay = call.chunkDelay();
        } else {
            throw new IllegalStateException("unknown reply " + reply);
        }
        if (!stream) {
            Map<String, Object> message = message(messageId, model, List.of(block), stopReason,
                    usageJson(usage, usage.outputTokens()));
            return new Answer(200, "application/json", headers, false, List.of(Json.write(message)), Duration.ZERO,
                    false);
        }
        return new Answer(200, "text/event-stream", headers, true, events(messageId, model, block, stopReason, usage),
                delay, false);
    }

    @Override
    public Answer sideAnswer(String method, String path, Map<String, Object> body, Ids ids) {
        if (path.equals(HELLO)) {
            return new Answer(200, null, Map.of(), false, List.of(), Duration.ZERO, false);
        }
        if (path.equals(COUNT_TOKENS)) {
            // Roughly four characters a token, like the real count, and deterministic.
            long tokens = Math.max(1, Json.write(body.getOrDefault("messages", List.of())).length() / 4);
            return new Answer(200, "application/json", Map.of(), false,
                    List.of(Json.write(Map.of("input_tokens", tokens))), Duration.ZERO, false);
        }
        Map<String, Object> schema = structuredOutputSchema(body);
        String text = schema == null ? "fake side reply" : Json.write(sampleOf(schema));
        return answer(body, Reply.text(text), ids);
    }

    private static List<String> events(String messageId, String model, Map<String, Object> block, String stopReason,
            Reply.Usage usage) {
        List<String> pieces = new ArrayList<>();
        pieces.add(event("message_start", messageStart(messageId, model, usage)));
        Map<String, Object> start = new LinkedHashMap<>(block);
        List<Map<String, Object>> deltas = new ArrayList<>();
        if ("text".equals(block.get("type"))) {
            start.put("text", "");
            for (String chunk : chunks((String) block.get("text"), CHUNK_CODE_POINTS)) {
                deltas.add(Map.of("type", "text_delta", "text", chunk));
            }
        } else {
            start.put("input", Map.of());
            // The real API opens a tool's input with an empty delta, then sends the JSON in pieces.
            deltas.add(Map.of("type", "input_json_delta", "partial_json", ""));
            for (String chunk : chunks(Json.write(block.get("input")), CHUNK_CODE_POINTS)) {
                deltas.add(Map.of("type", "input_json_delta", "partial_json", chunk));
            }
        }
        pieces.add(event("content_block_start", ordered("type", "content_block_start", "index", 0,
                "content_block", start)));
        pieces.add(event("ping", Map.of("type", "ping")));
        for (Map<String, Object> delta : deltas) {
            pieces.add(event("content_block_delta", ordered("type", "content_block_delta", "index", 0,
                    "delta", delta)));
        }
        pieces.add(event("content_block_stop", ordered("type", "content_block_stop", "index", 0)));
        Map<String, Object> stop = new LinkedHashMap<>();
        stop.put("stop_reason", stopReason);
        stop.put("stop_sequence", null);
        pieces.add(event("message_delta", ordered("type", "message_delta", "delta", stop,
                "usage", Map.of("output_tokens", usage.outputTokens()))));
        pieces.add(event("message_stop", Map.of("type", "message_stop")));
        return pieces;
    }

    private static Map<String, Object> messageStart(String messageId, String model, Reply.Usage usage) {
        // As the real API: the start reports the input and one output token, message_delta the rest.
        return ordered("type", "message_start",
                "message", message(messageId, model, List.of(), null, usageJson(usage, 1)));
    }

    private static Map<String, Object> message(String messageId, String model, List<?> content,
            String stopReason, Map<String, Object> usage) {
        return ordered("id", messageId, "type", "message", "role", "assistant", "model", model,
                "content", content, "stop_reason", stopReason, "stop_sequence", null, "usage", usage);
    }

    private static Map<String, Object> usageJson(Reply.Usage usage, long outputTokens) {
        return ordered("input_tokens", usage.inputTokens(), "cache_creation_input_tokens", 0,
                "cache_read_input_tokens", 0, "output_tokens", outputTokens);
    }

    private static String errorType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The JSON schema a request asks its answer to follow, or {@code null}. */
    private static Map<String, Object> structuredOutputSchema(Map<String, Object> body) {
        Object format = map(body.get("output_config")).get("format");
        return format == null ? null : map(map(format).get("schema"));
    }

    /** The text blocks of a message's content, which is a string or a list of blocks. */
    private static List<String> texts(Object content) {
        if (content instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        for (Object b : list(content)) {
            Map<String, Object> block = map(b);
            if ("text".equals(block.get("type")) && block.get("text") instanceof String text) {
                out.add(text);
            }
        }
        return out;
    }

}
