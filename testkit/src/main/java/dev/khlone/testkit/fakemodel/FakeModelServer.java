package dev.khlone.testkit.fakemodel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A model API on 127.0.0.1 that answers from a script, for running the real brain CLIs in tests.
 *
 * <p>Speaks the Anthropic Messages API ({@code POST /v1/messages}, also with {@code ?beta=true}),
 * streamed as server-sent events exactly as the real API streams them (message_start,
 * content_block_start/delta/stop for text and tool_use blocks, message_delta with the stop reason
 * and usage, message_stop), or as one JSON message when the client does not ask for a stream.
 * Also OpenAI Chat Completions ({@code POST /v1/chat/completions}) for opencode; see
 * {@link ChatCompletions}, which says what opencode sends besides its turns.
 *
 * <p>Every turn request takes the next {@link Reply} from the queue filled by {@link #enqueue};
 * when the queue is empty the model echoes the last thing the user wrote as {@code echo: <text>}
 * (or answers as {@link #otherwise} says),
 * so a test can see which prompt reached it. Every request, turn or not, is logged; the
 * {@code await} methods block until enough have arrived instead of sleeping.
 *
 * <p><b>Side requests.</b> Observed with {@code claude} 2.1.328 against this server:
 * <ul>
 *   <li>With {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1} (as {@code ClaudeHome} sets it),
 *       in {@code -p} and in the interactive TUI, including tool calls, resume and {@code /exit}:
 *       nothing but turn requests, {@code POST /v1/messages?beta=true}, always streamed.</li>
 *   <li>Without it: {@code HEAD /api/hello} at start (a connectivity check), and in the TUI a
 *       session-title request before the first turn of a new session: {@code POST /v1/messages}
 *       with {@code tools: []}, one user message wrapping the prompt in {@code <session>},
 *       no {@code context_management} or {@code thinking}, and {@code output_config.format}, a JSON
 *       schema asking for {@code {"title": string}}. It comes first, so if it took a scripted
 *       reply, every turn after it would get the wrong one.</li>
 *   <li>No token counting ({@code /v1/messages/count_tokens}), no quota check and no call with
 *       another (haiku) model in these flows; permission mode {@code auto} made no classifier
 *       call either (claude says its safety check runs on the real API's side).</li>
 * </ul>
 * Side requests are told apart by shape (see {@link AnthropicMessages}) and get a harmless
 * answer of their own: 200 for the connectivity check, a token estimate for count_tokens, and a
 * reply that fits the asked-for schema ({@code {"title":"Fake title"}}, which claude takes as the
 * session's title) for structured output. They never take a scripted reply.
 *
 * <p>How claude 2.1.328 takes the injected failures, with {@code CLAUDE_CODE_MAX_RETRIES=0}: a
 * 401, 500 or 529 ends the turn in about 0.5 s with {@code is_error: true} and the API's
 * message in the result (except the real API's own 401 text "invalid x-api-key", which claude
 * rewords); a {@link Reply.Hang} keeps the turn open (claude's own timeout is 600 s) until the
 * server closes, after which the turn fails at once as a connection error.
 *
 * <p>Also speaks the OpenAI Responses API ({@code POST /v1/responses}, see {@link OpenAIResponses}):
 * codex 0.169.0 sends nothing else, in {@code exec} and in its TUI, with the settings
 * {@code CodexHome} writes; its TUI's one side request, a thread title after a thread's first turn,
 * gets {@code {"title":"Fake title"}} and never a scripted reply. codex takes a 401 or 500 at once
 * ({@code request_max_retries = 0}), reporting the 401's message and, for a 500, its own words.
 *
 * <p>Not thread-confined: tests enqueue and await from their own thread while the server's
 * threads answer; one lock guards the script and the log, and no lock is held while writing.
 */
public final class FakeModelServer implements AutoCloseable, BeforeEachCallback, AfterAllCallback {
    private final HttpServer http;
    private final ExecutorService executor;
    private final List<Dialect> dialects = List.of(new AnthropicMessages(), new OpenAIResponses(),
            new ChatCompletions());
    private final Deque<Reply> script = new ArrayDeque<>();
    private Function<RecordedRequest, Reply> otherwise = request -> Reply.text("echo: " + request.prompt());
    private final List<RecordedRequest> log = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Map<String, AtomicInteger> idCounters = new ConcurrentHashMap<>();
    private final Dialect.Ids ids = prefix ->
            prefix + String.format(Locale.ROOT, "%04d", idCounters.computeIfAbsent(prefix, p -> new AtomicInteger())
                    .incrementAndGet());

    private FakeModelServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger threads = new AtomicInteger();
        // Unbounded: a hung reply holds its thread until close, and must not starve the next request.
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-model-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Starts a server on 127.0.0.1 on a free port. */
    public static FakeModelServer start() throws IOException {
        return new FakeModelServer();
    }

    /**
     * One server for a test class, as a JUnit extension:
     * {@code @RegisterExtension static final FakeModelServer server = FakeModelServer.forTestClass();}
     * It is reset before each test and closed after the last.
     */
    public static FakeModelServer forTestClass() {
        try {
            return start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake model server on 127.0.0.1", e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** {@code http://127.0.0.1:PORT}, what a client takes as its API base URL. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** Appends replies to the script; turn requests take them in order. */
    public void enqueue(Reply... replies) {
        synchronized (this) {
            script.addAll(List.of(replies));
        }
    }

    /**
     * How a turn is answered when the script is empty (by default the echo): for tests whose turns
     * arrive in no order known in advance, such as several clones or a task run again after a crash.
     */
    public synchronized void otherwise(Function<RecordedRequest, Reply> answer) {
        otherwise = answer;
    }

    /** Forgets the script and the log, so that one server can serve a whole test class. */
    public synchronized void reset() {
        script.clear();
        log.clear();
    }

    /** Every request so far, in arrival order. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(log);
    }

    /** The turn requests so far, in arrival order. */
    public synchronized List<RecordedRequest> turns() {
        return log.stream().filter(RecordedRequest::turn).toList();
    }

    /**
     * Waits until at least {@code count} turn requests have arrived and returns all turns so far.
     *
     * @throws AssertionError if they do not arrive within {@code timeout}, listing what did
     */
    public List<RecordedRequest> awaitTurns(int count, Duration timeout) throws InterruptedException {
        return await(count, timeout, true);
    }

    /** Like {@link #awaitTurns}, counting every request, turn or not. */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) throws InterruptedException {
        return await(count, timeout, false);
    }

    private synchronized List<RecordedRequest> await(int count, Duration timeout, boolean turnsOnly)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<RecordedRequest> seen = turnsOnly ? turns() : List.copyOf(log);
            if (seen.size() >= count) {
                return seen;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                StringBuilder message = new StringBuilder("expected ").append(count)
                        .append(turnsOnly ? " turn requests" : " requests").append(" within ").append(timeout)
                        .append(", got ").append(seen.size()).append(':');
                log.forEach(r -> message.append("\n  ").append(r.summary()));
                throw new AssertionError(message.toString());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Stops the server; hung and slow replies end at once, cut off. */
    @Override
    public void close() {
        closed.countDown();
        http.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String body = read(exchange.getRequestBody());
            Map<String, Object> json = parseObject(body);
            Dialect dialect = dialects.stream().filter(d -> d.serves(method, path)).findFirst().orElse(null);
            boolean turn = dialect != null && dialect.isTurn(method, path, json);
            RecordedRequest request = new RecordedRequest(method, path,
                    exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery(),
                    headers(exchange), body, json, turn,
                    dialect == null ? "" : dialect.prompt(json),
                    dialect == null ? List.of() : dialect.conversation(json),
                    dialect == null ? List.of() : dialect.toolResults(json));
            Reply reply = record(request);
            if (dialect == null) {
                send(exchange, new Dialect.Answer(404, "application/json", Map.of(), false,
                        List.of(Json.write(Map.of("error", "the fake model server does not serve " + path))),
                        Duration.ZERO, false));
            } else if (turn) {
                send(exchange, dialect.answer(json, reply, ids));
            } else {
                send(exchange, dialect.sideAnswer(method, path, json, ids));
            }
        } catch (IOException e) {
            // The client went away or the server is closing; nothing is waiting for this answer.
        } catch (RuntimeException e) {
            // A bug in the fake itself: HttpServer would swallow it and the client see a closed socket.
            System.err.println("fake model server failed on " + exchange.getRequestURI());
            e.printStackTrace();
        }
    }

    /** Logs the request and, for a turn, takes its reply under the same lock so order holds. */
    private synchronized Reply record(RecordedRequest request) {
        log.add(request);
        notifyAll();
        if (!request.turn()) {
            return null;
        }
        Reply next = script.poll();
        return next != null ? next : otherwise.apply(request);
    }

    private void send(HttpExchange exchange, Dialect.Answer answer) throws IOException {
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("content-type", answer.contentType());
        }
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        if (!answer.streamed()) {
            byte[] bytes = String.join("", answer.pieces()).getBytes(StandardCharsets.UTF_8);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 || head ? -1 : bytes.length);
            if (!head && bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            return;
        }
        exchange.sendResponseHeaders(answer.status(), 0);
        OutputStream out = exchange.getResponseBody();
        out.flush();
        boolean first = true;
        for (String piece : answer.pieces()) {
            if (!first && !answer.pieceDelay().isZero() && awaitClose(answer.pieceDelay())) {
                return;
            }
            first = false;
            out.write(piece.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        if (answer.stall()) {
            awaitClose(null);
        }
    }

    /** Waits for the delay, or forever if {@code null}; true if the server closed meanwhile. */
    private boolean awaitClose(Duration delay) {
        try {
            if (delay == null) {
                closed.await();
                return true;
            }
            return closed.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> parseObject(String body) {
        try {
            return body.isBlank() ? Map.of() : Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return headers;
    }
}
