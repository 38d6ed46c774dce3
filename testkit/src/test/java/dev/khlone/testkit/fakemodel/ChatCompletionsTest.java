package dev.khlone.testkit.fakemodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Chat Completions side of the fake model server, as opencode's requests look (1.18.33). */
class ChatCompletionsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient client = HttpClient.newHttpClient();
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();

    @Test
    void streamsTextInDeltasThenTheFinishReasonThenUsage() throws Exception {
        server.enqueue(Reply.text("Hello from the fake model, in chunks.").withUsage(new Reply.Usage(1234, 56)));

        List<Map<String, Object>> chunks = stream(turn("hi"));

        assertThat(chunks).allSatisfy(c -> assertThat(c).containsEntry("object", "chat.completion.chunk"));
        assertThat(delta(chunks.get(0))).containsEntry("role", "assistant");
        StringBuilder text = new StringBuilder();
        chunks.stream().filter(c -> !choices(c).isEmpty()).forEach(c -> {
            Object content = delta(c).get("content");
            text.append(content == null ? "" : content);
        });
        assertThat(text).hasToString("Hello from the fake model, in chunks.");
        assertThat(chunks.size()).isGreaterThan(4);
        Map<String, Object> finish = choices(chunks.get(chunks.size() - 2)).get(0);
        assertThat(finish).containsEntry("finish_reason", "stop");
        Map<String, Object> last = chunks.get(chunks.size() - 1);
        assertThat(choices(last)).isEmpty();
        assertThat(map(last.get("usage"))).containsEntry("prompt_tokens", 1234L).containsEntry("completion_tokens", 56L);
    }

    @Test
    void aToolCallStreamsItsArgumentsAndTheToolsResultTakesTheNextReply() throws Exception {
        server.enqueue(Reply.toolCall("bash", Map.of("command", "echo hi", "description", "say hi")),
                Reply.text("ran it"));

        List<Map<String, Object>> call = stream(turn("run it"));
        Map<String, Object> opening = map(list(delta(call.get(1)).get("tool_calls")).get(0));
        assertThat(opening).containsEntry("index", 0L).containsEntry("type", "function");
        assertThat(map(opening.get("function"))).containsEntry("name", "bash").containsEntry("arguments", "");
        StringBuilder arguments = new StringBuilder();
        call.subList(2, call.size() - 2).forEach(c ->
                arguments.append(map(map(list(delta(c).get("tool_calls")).get(0)).get("function")).get("arguments")));
        assertThat(Json.parse(arguments.toString())).isEqualTo(Map.of("command", "echo hi", "description", "say hi"));
        assertThat(choices(call.get(call.size() - 2)).get(0)).containsEntry("finish_reason", "tool_calls");

        String after = Json.write(Map.of("model", "fake-model", "stream", true, "messages", List.of(
                Map.of("role", "system", "content", "You are opencode"),
                Map.of("role", "user", "content", "run it"),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("id", opening.get("id"),
                        "type", "function", "function", Map.of("name", "bash", "arguments", arguments.toString())))),
                Map.of("role", "tool", "tool_call_id", opening.get("id"), "content", "hi\n"))));
        stream(after);
        RecordedRequest second = server.awaitTurns(2, WAIT).get(1);
        assertThat(second.toolResults()).containsExactly("hi\n");
        assertThat(second.prompt()).isEqualTo("run it");
        assertThat(second.conversation()).containsExactly(new RecordedRequest.Message("user", "run it"));
    }

    @Test
    void theConversationIsTheUsersAndTheAssistantsWordsAndTheEchoRepliesToTheLastUserText() throws Exception {
        String body = Json.write(Map.of("model", "fake-model", "stream", true, "messages", List.of(
                Map.of("role", "system", "content", "You are opencode"),
                Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "first"))),
                Map.of("role", "assistant", "content", "echo: first"),
                Map.of("role", "user", "content", "second"))));

        List<Map<String, Object>> chunks = stream(body);

        RecordedRequest request = server.awaitTurns(1, WAIT).get(0);
        assertThat(request.conversation()).containsExactly(new RecordedRequest.Message("user", "first"),
                new RecordedRequest.Message("assistant", "echo: first"), new RecordedRequest.Message("user", "second"));
        assertThat(request.prompt()).isEqualTo("second");
        assertThat(chunks.stream().map(c -> choices(c).isEmpty() ? null : delta(c).get("content"))
                .filter(s -> s instanceof String).map(String.class::cast).reduce("", String::concat))
                .isEqualTo("echo: second");
    }

    @Test
    void injectedErrorsAreTheStatusWithOpenAisErrorBody() throws Exception {
        server.enqueue(Reply.failure(401, "key revoked"), Reply.serverError());

        HttpResponse<String> refused = post(turn("a"));
        HttpResponse<String> broken = post(turn("b"));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(Json.parseObject(refused.body())).isEqualTo(Map.of("error", orderedError("key revoked",
                "invalid_request_error", "invalid_api_key")));
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(map(Json.parseObject(broken.body()).get("error"))).containsEntry("type", "server_error");
    }

    @Test
    void opencodesTitleRequestNeverTakesAScriptedReply() throws Exception {
        server.enqueue(Reply.text("the turn's reply"));
        String title = Json.write(Map.of("model", "fake-model", "stream", true, "messages", List.of(
                Map.of("role", "system", "content", "You are a title generator. You output ONLY a thread title."),
                Map.of("role", "user", "content", "Generate a title for this conversation:\n"),
                Map.of("role", "user", "content", "hi"))));

        stream(title);
        List<Map<String, Object>> turn = stream(turn("hi"));

        assertThat(server.requests()).extracting(RecordedRequest::turn).containsExactly(false, true);
        assertThat(turn.stream().map(c -> choices(c).isEmpty() ? null : delta(c).get("content"))
                .filter(s -> s instanceof String).map(String.class::cast).reduce("", String::concat))
                .isEqualTo("the turn's reply");
    }

    private static Map<String, Object> orderedError(String message, String type, String code) {
        Map<String, Object> error = new java.util.HashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        return error;
    }

    private static String turn(String prompt) {
        return Json.write(Map.of("model", "fake-model", "stream", true, "stream_options", Map.of("include_usage", true),
                "tools", List.of(Map.of("type", "function", "function", Map.of("name", "bash"))),
                "messages", List.of(Map.of("role", "system", "content", "You are opencode"),
                        Map.of("role", "user", "content", prompt))));
    }

    private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                .timeout(WAIT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The stream's JSON chunks, up to {@code data: [DONE]}, which must end it. */
    private static List<Map<String, Object>> stream(String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Map<String, Object>> chunks = new ArrayList<>();
        List<String> data = response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data).last().isEqualTo("[DONE]");
        data.subList(0, data.size() - 1).forEach(d -> chunks.add(Json.parseObject(d)));
        return chunks;
    }

    private static List<Map<String, Object>> choices(Map<String, Object> chunk) {
        return list(chunk.get("choices")).stream().map(ChatCompletionsTest::map).toList();
    }

    private static Map<String, Object> delta(Map<String, Object> chunk) {
        return map(choices(chunk).get(0).get("delta"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
