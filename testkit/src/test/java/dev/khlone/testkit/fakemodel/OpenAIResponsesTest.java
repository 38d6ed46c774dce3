package dev.khlone.testkit.fakemodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fake model server's OpenAI Responses API, with requests shaped like codex 0.169.0's. */
class OpenAIResponsesTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient client = HttpClient.newHttpClient();
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();

    @Test
    void streamsTextAsTheRealApiDoes() throws Exception {
        server.enqueue(Reply.text("Hello from the fake model, in several chunks.").withUsage(new Reply.Usage(1234, 56)));

        List<Event> events = stream(turn("hi"));

        assertThat(events).extracting(Event::name).containsExactly("response.created", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.delta", "response.output_item.done", "response.completed");
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("type")).isEqualTo(e.name()));
        assertThat(deltas(events, "response.output_text.delta")).isEqualTo("Hello from the fake model, in several chunks.");
        Map<String, Object> done = map(events.get(6).data().get("item"));
        assertThat(done).containsEntry("type", "message").containsEntry("role", "assistant");
        Map<String, Object> response = map(events.get(7).data().get("response"));
        assertThat(response).containsEntry("status", "completed").containsEntry("model", "gpt-5.5");
        assertThat(map(response.get("usage"))).containsEntry("input_tokens", 1234L).containsEntry("output_tokens", 56L)
                .containsEntry("total_tokens", 1290L);
    }

    @Test
    void aToolCallIsAFunctionCallOrACustomCallAsTheRequestOffersTheTool() throws Exception {
        server.enqueue(Reply.toolCall("exec_command", Map.of("cmd", "echo hi")),
                Reply.toolCall("apply_patch", Map.of("input", "*** Begin Patch\n*** End Patch\n")),
                Reply.text("done"));

        List<Event> shell = stream(turn("run"));
        List<Event> patch = stream(turn("patch"));

        Map<String, Object> call = map(shell.get(shell.size() - 2).data().get("item"));
        assertThat(call).containsEntry("type", "function_call").containsEntry("name", "exec_command")
                .containsEntry("arguments", "{\"cmd\":\"echo hi\"}");
        assertThat(call.get("call_id")).asString().startsWith("call_fake_");
        assertThat(deltas(shell, "response.function_call_arguments.delta")).isEqualTo("{\"cmd\":\"echo hi\"}");
        assertThat(map(patch.get(patch.size() - 2).data().get("item"))).containsEntry("type", "custom_tool_call")
                .containsEntry("name", "apply_patch").containsEntry("input", "*** Begin Patch\n*** End Patch\n");
        assertThat(deltas(patch, "response.custom_tool_call_input.delta")).isEqualTo("*** Begin Patch\n*** End Patch\n");

        List<Object> input = List.of(message("user", "run"),
                Map.of("type", "function_call", "call_id", call.get("call_id"), "name", "exec_command",
                        "arguments", "{\"cmd\":\"echo hi\"}"),
                Map.of("type", "function_call_output", "call_id", call.get("call_id"), "output", "hi\n"));
        assertThat(deltas(stream(body(input)), "response.output_text.delta")).isEqualTo("done");
        assertThat(server.turns().get(2).toolResults()).containsExactly("hi\n");
    }

    @Test
    void theLogHasThePromptWithoutCodexsContextAndTheWholeConversation() throws Exception {
        String big = "x".repeat(12 * 1024) + "END";
        List<Object> input = List.of(
                message("developer", "You are Codex"),
                message("user", "<environment_context>\n  <cwd>/w</cwd>\n</environment_context>"),
                message("user", "first prompt"),
                Map.of("type", "message", "role", "assistant", "content",
                        List.of(Map.of("type", "output_text", "text", "first reply"))),
                message("user", big));

        assertThat(deltas(stream(body(input)), "response.output_text.delta")).isEqualTo("echo: " + big);

        RecordedRequest request = server.awaitTurns(1, WAIT).get(0);
        assertThat(request.prompt()).isEqualTo(big);
        assertThat(request.conversation()).extracting(RecordedRequest.Message::text)
                .containsSubsequence("first prompt", "first reply", big);
        assertThat(request.conversation()).contains(new RecordedRequest.Message("assistant", "first reply"));
    }

    @Test
    void errorsAreTheStatusWithOpenAisErrorBody() throws Exception {
        server.enqueue(Reply.failure(401, "key revoked"), Reply.serverError());

        HttpResponse<String> unauthorized = post(turn("a"));
        HttpResponse<String> broken = post(turn("b"));

        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(Json.parseObject(unauthorized.body())).isEqualTo(Map.of("error", errorBody("key revoked",
                "invalid_request_error", "invalid_api_key")));
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(map(Json.parseObject(broken.body()).get("error"))).containsEntry("type", "server_error");
    }

    @Test
    void theThreadTitleRequestGetsATitleAndNeverTakesAScriptedReply() throws Exception {
        server.enqueue(Reply.text("the turn's reply"));
        String title = Json.write(Map.of("model", "gpt-5.5", "stream", true,
                "text", Map.of("format", Map.of("type", "json_schema", "name", "codex_output_schema",
                        "schema", Map.of("type", "object", "properties", Map.of("title", Map.of("type", "string"))))),
                "input", List.of(message("user", "Generate a concise, single-line task title"))));

        assertThat(deltas(stream(title), "response.output_text.delta")).isEqualTo("{\"title\":\"Fake title\"}");
        assertThat(deltas(stream(turn("hi")), "response.output_text.delta")).isEqualTo("the turn's reply");
        assertThat(server.requests()).extracting(RecordedRequest::turn).containsExactly(false, true);
    }

    @Test
    void hangStartsTheResponseAndEndsOnlyWhenTheServerCloses() throws Exception {
        try (FakeModelServer own = FakeModelServer.start()) {
            own.enqueue(Reply.hang());
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(own.baseUrl().resolve("/v1/responses"))
                    .POST(HttpRequest.BodyPublishers.ofString(turn("hang"))).build(), HttpResponse.BodyHandlers.ofInputStream());
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "cut off: " + e.getMessage();
                }
            });
            own.awaitTurns(1, WAIT);
            assertThat(rest).as("nothing more while the server is open")
                    .failsWithin(Duration.ofMillis(300)).withThrowableOfType(TimeoutException.class);

            own.close();

            assertThat(rest.get(2, TimeUnit.SECONDS)).doesNotContain("response.completed");
        }
    }

    private static String turn(String prompt) {
        return body(List.of(message("user", prompt)));
    }

    /** A turn request as codex sends one: its tools, among them the free-form apply_patch. */
    private static String body(List<Object> input) {
        return Json.write(Map.of("model", "gpt-5.5", "stream", true, "input", input,
                "tools", List.of(Map.of("type", "function", "name", "exec_command"),
                        Map.of("type", "custom", "name", "apply_patch"))));
    }

    private static Map<String, Object> message(String role, String text) {
        return Map.of("type", "message", "role", role, "content", List.of(Map.of("type", "input_text", "text", text)));
    }

    private static Map<String, Object> errorBody(String message, String type, String code) {
        Map<String, Object> error = new HashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        return error;
    }

    private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/responses"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    record Event(String name, Map<String, Object> data) {}

    private static List<Event> stream(String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Event> events = new ArrayList<>();
        for (String block : response.body().split("\n\n")) {
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            events.add(new Event(lines[0].substring("event: ".length()), Json.parseObject(lines[1].substring("data: ".length()))));
        }
        return events;
    }

    private static String deltas(List<Event> events, String type) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals(type)).forEach(e -> text.append(e.data().get("delta")));
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
