package dev.khlone.testkit.fakemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FakeModelServerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    @RegisterExtension
    static final FakeModelServer server = FakeModelServer.forTestClass();
    private static final HttpClient client = HttpClient.newHttpClient();

    @Test
    void listensOnLoopbackOnly() {
        assertThat(server.baseUrl().getHost()).isEqualTo("127.0.0.1");
        assertThat(server.baseUrl().getPort()).isPositive();
    }

    @Test
    void streamsTextAsTheRealApiDoes() throws Exception {
        server.enqueue(Reply.text("Hello from the fake model, in several chunks.")
                .withUsage(new Reply.Usage(1234, 56)));

        List<Event> events = stream(turn("hi"));

        assertThat(events).extracting(Event::name).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("type")).isEqualTo(e.name()));
        Map<String, Object> start = map(events.get(0).data().get("message"));
        assertThat(start).containsEntry("role", "assistant").containsEntry("model", "claude-test");
        assertThat(map(start.get("usage"))).containsEntry("input_tokens", 1234L);
        assertThat(map(events.get(1).data().get("content_block"))).containsEntry("type", "text");
        assertThat(texts(events)).isEqualTo("Hello from the fake model, in several chunks.");
        Map<String, Object> delta = events.get(7).data();
        assertThat(map(delta.get("delta"))).containsEntry("stop_reason", "end_turn");
        assertThat(map(delta.get("usage"))).containsEntry("output_tokens", 56L);
    }

    @Test
    void toolCallStreamsItsInputAsJsonDeltasAndTheResultTakesTheNextReply() throws Exception {
        server.enqueue(Reply.toolCall("Write", Map.of("file_path", "/w/a.txt", "content", "made by a tool")),
                Reply.text("wrote it"));

        List<Event> call = stream(turn("write a file"));
        Map<String, Object> block = map(call.get(1).data().get("content_block"));
        assertThat(block).containsEntry("type", "tool_use").containsEntry("name", "Write")
                .containsEntry("input", Map.of());
        StringBuilder json = new StringBuilder();
        call.stream().filter(e -> e.name().equals("content_block_delta"))
                .map(e -> map(e.data().get("delta")))
                .peek(d -> assertThat(d).containsEntry("type", "input_json_delta"))
                .forEach(d -> json.append(d.get("partial_json")));
        assertThat(Json.parse(json.toString())).isEqualTo(Map.of("file_path", "/w/a.txt", "content", "made by a tool"));
        assertThat(map(call.get(call.size() - 2).data().get("delta"))).containsEntry("stop_reason", "tool_use");

        String toolUseId = (String) block.get("id");
        List<Event> after = stream(Json.write(Map.of("model", "claude-test", "stream", true,
                "tools", List.of(Map.of("name", "Write")),
                "messages", List.of(
                        message("user", "write a file"),
                        Map.of("role", "assistant", "content", List.of(block)),
                        Map.of("role", "user", "content", List.of(Map.of("type", "tool_result",
                                "tool_use_id", toolUseId, "content", "File created")))))));
        assertThat(texts(after)).isEqualTo("wrote it");
        assertThat(server.turns().get(1).toolResults()).containsExactly("File created");
    }

    @Test
    void echoesTheLastUserTextWhenTheScriptIsEmpty() throws Exception {
        String body = Json.write(Map.of("model", "claude-test", "stream", true, "context_management", Map.of(),
                "messages", List.of(
                        Map.of("role", "user", "content", List.of(
                                Map.of("type", "text", "text", "what I typed"),
                                Map.of("type", "text", "text", "<system-reminder>\nnot typed by anyone\n"))),
                        Map.of("role", "system", "content", "environment"))));

        assertThat(texts(stream(body))).isEqualTo("echo: what I typed");
    }

    @Test
    void answersInOneJsonMessageWhenNotAskedToStream() throws Exception {
        server.enqueue(Reply.text("not streamed").withUsage(new Reply.Usage(7, 3)));

        HttpResponse<String> response = post(Json.write(Map.of("model", "claude-test",
                "tools", List.of(Map.of("name", "Bash")), "messages", List.of(message("user", "hi")))));

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> message = Json.parseObject(response.body());
        assertThat(message).containsEntry("type", "message").containsEntry("stop_reason", "end_turn")
                .containsEntry("content", List.of(Map.of("type", "text", "text", "not streamed")));
        assertThat(map(message.get("usage"))).containsEntry("input_tokens", 7L).containsEntry("output_tokens", 3L);
    }

    @Test
    void injectedErrorsCarryTheApiErrorBody() throws Exception {
        server.enqueue(Reply.unauthorized(), Reply.overloaded(), Reply.serverError());

        HttpResponse<String> unauthorized = post(turn("a"));
        HttpResponse<String> overloaded = post(turn("b"));
        HttpResponse<String> broken = post(turn("c"));

        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.body()).isEqualTo(
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(overloaded.body()).contains("\"type\":\"overloaded_error\"");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).contains("\"type\":\"api_error\"");
    }

    @Test
    void sideRequestsNeverTakeScriptedReplies() throws Exception {
        server.enqueue(Reply.text("the turn's reply"));
        String titleRequest = Json.write(Map.of("model", "claude-test", "stream", true, "tools", List.of(),
                "output_config", Map.of("format", Map.of("type", "json_schema", "schema", Map.of("type", "object",
                        "properties", Map.of("title", Map.of("type", "string")), "required", List.of("title")))),
                "messages", List.of(message("user", "<session>\nhi\n</session>"))));

        assertThat(texts(stream(titleRequest))).isEqualTo("{\"title\":\"Fake title\"}");
        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/hello"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
        HttpResponse<String> count = client.send(HttpRequest.newBuilder(
                        server.baseUrl().resolve("/v1/messages/count_tokens?beta=true"))
                .POST(HttpRequest.BodyPublishers.ofString(turn("count me"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Json.parseObject(count.body())).containsKey("input_tokens");

        assertThat(texts(stream(turn("hi")))).isEqualTo("the turn's reply");
        assertThat(server.awaitRequests(4, WAIT)).extracting(RecordedRequest::turn)
                .containsExactly(false, false, false, true);
    }

    @Test
    void logsEveryRequestWithHeadersAndTheWholeBody() throws Exception {
        String big = "x".repeat(12 * 1024) + "END";
        client.send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/messages?beta=true"))
                .header("Authorization", "Bearer t0ken")
                .POST(HttpRequest.BodyPublishers.ofString(turn(big))).build(), HttpResponse.BodyHandlers.ofString());

        RecordedRequest request = server.awaitTurns(1, WAIT).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.query()).isEqualTo("beta=true");
        assertThat(request.header("authorization")).isEqualTo("Bearer t0ken");
        assertThat(request.prompt()).isEqualTo(big);
        assertThat(request.conversation()).containsExactly(new RecordedRequest.Message("user", big));
    }

    @Test
    void awaitFailsAfterItsTimeoutSayingWhatArrived() throws Exception {
        post(turn("only one"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> server.awaitTurns(2, Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 2 turn requests")
                .hasMessageContaining("got 1")
                .hasMessageContaining("prompt=only one");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void awaitReturnsAsSoonAsTheRequestArrives() throws Exception {
        CompletableFuture<List<RecordedRequest>> awaited = CompletableFuture.supplyAsync(() -> {
            try {
                return server.awaitTurns(1, WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        post(turn("late"));

        assertThat(awaited.get(2, TimeUnit.SECONDS)).extracting(RecordedRequest::prompt).containsExactly("late");
    }

    @Test
    void slowStreamWaitsBetweenChunks() throws Exception {
        server.enqueue(Reply.text("sixteen chars!!!and 16 more....").withChunkDelay(Duration.ofMillis(40)));

        long start = System.nanoTime();
        List<Event> events = stream(turn("slowly"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(texts(events)).isEqualTo("sixteen chars!!!and 16 more....");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(40L * (events.size() - 1)));
    }

    @Test
    void hangStartsTheStreamAndEndsOnlyWhenTheServerCloses() throws Exception {
        try (FakeModelServer own = FakeModelServer.start()) {
            own.enqueue(Reply.hang());
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(own.baseUrl().resolve("/v1/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString(turn("hang"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            InputStream body = response.body();
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(body.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "cut off: " + e.getMessage();
                }
            });
            own.awaitTurns(1, WAIT);
            assertThat(rest).as("nothing more while the server is open")
                    .failsWithin(Duration.ofMillis(300)).withThrowableOfType(TimeoutException.class);

            own.close();

            assertThat(rest.get(2, TimeUnit.SECONDS)).doesNotContain("message_stop");
        }
    }

    private static String turn(String prompt) {
        return Json.write(Map.of("model", "claude-test", "stream", true, "tools", List.of(Map.of("name", "Bash")),
                "messages", List.of(message("user", prompt))));
    }

    private static Map<String, Object> message(String role, String text) {
        return Map.of("role", role, "content", List.of(Map.of("type", "text", "text", text)));
    }

    private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/messages?beta=true"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    record Event(String name, Map<String, Object> data) {}

    /** Posts a streamed request and parses the server-sent events of the answer. */
    private static List<Event> stream(String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Event> events = new ArrayList<>();
        for (String block : response.body().split("\n\n")) {
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            events.add(new Event(lines[0].substring(7), Json.parseObject(lines[1].substring(6))));
        }
        return events;
    }

    private static String texts(List<Event> events) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta"))
                .forEach(e -> text.append(map(e.data().get("delta")).get("text")));
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
