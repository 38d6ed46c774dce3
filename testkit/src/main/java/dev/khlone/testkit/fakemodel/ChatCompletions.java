package dev.khlone.testkit.fakemodel;

import static dev.khlone.testkit.fakemodel.Shapes.*;

import dev.khlone.protocol.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI Chat Completions API ({@code POST /v1/chat/completions}), streamed as server-sent
 * events the way {@code @ai-sdk/openai-compatible} reads them (opencode's provider for any
 * OpenAI-compatible endpoint): {@code chat.completion.chunk}s with {@code choices[0].delta}
 * carrying the role, then text in {@code content} or a tool call in {@code tool_calls} (id, name
 * and empty arguments first, the arguments' JSON in pieces after), a chunk with the
 * {@code finish_reason}, a chunk with {@code usage} and no choices, and {@code data: [DONE]}.
 * Without {@code stream: true}, one {@code chat.completion} object. Errors are the HTTP status
 * with OpenAI's error body.
 *
 * <p>Turns and side requests share the path and are told apart by the system prompt: opencode
 * 1.18.33 asks for a session title with its hidden {@code title} agent, whose system prompt
 * begins {@value #TITLE_PROMPT}, before the first turn of a new session (in ACP, {@code run} and
 * the TUI alike), concurrently with the turn. Such a request gets a title and never takes a
 * scripted reply.
 */
final class ChatCompletions implements Dialect {
    static final String COMPLETIONS = "/v1/chat/completions";
    static final String TITLE_PROMPT = "You are a title generator";

    /** Text and arguments are cut this small so that even a short reply streams in several chunks. */
    private static final int CHUNK_CODE_POINTS = 12;

    @Override
    public boolean serves(String method, String path) {
        return path.equals(COMPLETIONS);
    }

    @Override
    public boolean isTurn(String method, String path, Map<String, Object> body) {
        return method.equals("POST") && path.equals(COMPLETIONS) && !isTitleRequest(body);
    }

    @Override
    public String prompt(Map<String, Object> body) {
        List<Object> messages = list(body.get("messages"));
        for (int i = messages.size() - 1; i >= 0; i--) {
            Map<String, Object> message = map(messages.get(i));
            if ("user".equals(message.get("role"))) {
                List<String> texts = texts(message.get("content"));
                return texts.isEmpty() ? "" : String.join("\n", texts);
            }
        }
        return "";
    }

    /** The user's and the assistant's words; system prompts and tool results are left out, as on the Anthropic side. */
    @Override
    public List<RecordedRequest.Message> conversation(Map<String, Object> body) {
        List<RecordedRequest.Message> out = new ArrayList<>();
        for (Object m : list(body.get("messages"))) {
            Map<String, Object> message = map(m);
            String role = String.valueOf(message.get("role"));
            if (role.equals("user") || role.equals("assistant")) {
                for (String text : texts(message.get("content"))) {
                    out.add(new RecordedRequest.Message(role, text));
                }
            }
        }
        return out;
    }

    @Override
    public List<String> toolResults(Map<String, Object> body) {
        List<String> out = new ArrayList<>();
        for (Object m : list(body.get("messages"))) {
            Map<String, Object> message = map(m);
            if ("tool".equals(message.get("role"))) {
                out.add(String.join("\n", texts(message.get("content"))));
            }
        }
        return out;
    }

    @Override
    public Answer answer(Map<String, Object> body, Reply reply, Ids ids) {
        boolean stream = Boolean.TRUE.equals(body.get("stream"));
        String model = body.get("model") instanceof String s ? s : "gpt-fake";
        Map<String, String> headers = Map.of("x-request-id", ids.next("req_fake_"));
        if (reply instanceof Reply.Failure failure) {
            Map<String, Object> error = ordered("message", failure.message(), "type", errorType(failure.status()),
                    "param", null, "code", errorCode(failure.status()));
            return new Answer(failure.status(), "application/json", headers, false,
                    List.of(Json.write(Map.of("error", error))), Duration.ZERO, false);
        }
        String id = ids.next("chatcmpl-fake");
        if (reply instanceof Reply.Hang) {
            List<String> pieces = stream ? List.of(data(chunk(id, model, ordered("role", "assistant", "content", ""),
                    null))) : List.of();
            return new Answer(200, stream ? "text/event-stream" : "application/json", headers, true, pieces,
                    Duration.ZERO, true);
        }
        Map<String, Object> call = null;
        String text = null;
        Reply.Usage usage;
        Duration delay;
        if (reply instanceof Reply.Text t) {
            text = t.text();
            usage = t.usage();
            delay = t.chunkDelay();
        } else if (reply instanceof Reply.ToolCall toolCall) {
            call = ordered("id", ids.next("call_fake_"), "type", "function",
                    "function", ordered("name", toolCall.name(), "arguments", Json.write(toolCall.input())));
            usage = toolCall.usage();
            delay = toolCall.chunkDelay();
        } else {
            throw new IllegalStateException("unknown reply " + reply);
        }
        String finish = call == null ? "stop" : "tool_calls";
        if (!stream) {
            Map<String, Object> message = ordered("role", "assistant", "content", text);
            if (call != null) {
                message.put("tool_calls", List.of(call));
            }
            Map<String, Object> completion = ordered("id", id, "object", "chat.completion", "created", CREATED,
                    "model", model, "choices", List.of(ordered("index", 0, "message", message,
                            "finish_reason", finish)), "usage", usageJson(usage));
            return new Answer(200, "application/json", headers, false, List.of(Json.write(completion)),
                    Duration.ZERO, false);
        }
        List<String> pieces = new ArrayList<>();
        pieces.add(data(chunk(id, model, ordered("role", "assistant", "content", ""), null)));
        if (call == null) {
            for (String piece : chunks(text, CHUNK_CODE_POINTS)) {
                pieces.add(data(chunk(id, model, ordered("content", piece), null)));
            }
        } else {
            Map<String, Object> function = map(call.get("function"));
            Map<String, Object> opening = ordered("index", 0, "id", call.get("id"), "type", "function",
                    "function", ordered("name", function.get("name"), "arguments", ""));
            pieces.add(data(chunk(id, model, ordered("tool_calls", List.of(opening)), null)));
            for (String piece : chunks((String) function.get("arguments"), CHUNK_CODE_POINTS)) {
                pieces.add(data(chunk(id, model, ordered("tool_calls", List.of(ordered("index", 0,
                        "function", ordered("arguments", piece)))), null)));
            }
        }
        pieces.add(data(chunk(id, model, Map.of(), finish)));
        Map<String, Object> last = ordered("id", id, "object", "chat.completion.chunk", "created", CREATED,
                "model", model, "choices", List.of(), "usage", usageJson(usage));
        pieces.add(data(last));
        pieces.add("data: [DONE]\n\n");
        return new Answer(200, "text/event-stream", headers, true, pieces, delay, false);
    }

    @Override
    public Answer sideAnswer(String method, String path, Map<String, Object> body, Ids ids) {
        return answer(body, Reply.text("Fake title"), ids);
    }

    /** A fixed creation time: the client only passes it on, and fixed it keeps transcripts alike. */
    private static final long CREATED = 1_790_000_000L;

    private static boolean isTitleRequest(Map<String, Object> body) {
        for (Object m : list(body.get("messages"))) {
            Map<String, Object> message = map(m);
            if ("system".equals(message.get("role"))
                    && texts(message.get("content")).stream().anyMatch(t -> t.startsWith(TITLE_PROMPT))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> chunk(String id, String model, Map<String, Object> delta, String finish) {
        Map<String, Object> choice = ordered("index", 0, "delta", delta, "finish_reason", finish);
        return ordered("id", id, "object", "chat.completion.chunk", "created", CREATED, "model", model,
                "choices", List.of(choice));
    }

    private static Map<String, Object> usageJson(Reply.Usage usage) {
        return ordered("prompt_tokens", usage.inputTokens(), "completion_tokens", usage.outputTokens(),
                "total_tokens", usage.inputTokens() + usage.outputTokens());
    }

    private static String data(Map<String, Object> json) {
        return "data: " + Json.write(json) + "\n\n";
    }

    private static String errorType(int status) {
        return switch (status) {
            case 401 -> "invalid_request_error";
            case 429 -> "requests";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** A message's text: content is a string, a list of parts of which the text ones count, or null. */
    private static List<String> texts(Object content) {
        if (content instanceof String s) {
            return s.isEmpty() ? List.of() : List.of(s);
        }
        List<String> out = new ArrayList<>();
        for (Object p : list(content)) {
            Map<String, Object> part = map(p);
            if ("text".equals(part.get("type")) && part.get("text") instanceof String text) {
                out.add(text);
            }
        }
        return out;
    }

}
