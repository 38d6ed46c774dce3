package dev.khlone.testkit.fakemodel;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One model API's wire format. The server owns the script, the log and the sockets; a dialect
 * only reads requests and spells replies, so adding OpenAI Responses or Chat Completions is one
 * more implementation and the same scripts drive it.
 */
interface Dialect {

    /** Whether this dialect answers {@code method path}. */
    boolean serves(String method, String path);

    /**
     * Whether the request asks for a conversation turn, which takes the next scripted reply;
     * anything else is a side request and gets {@link #sideAnswer}.
     */
    boolean isTurn(String method, String path, Map<String, Object> body);

    /** The last text the user wrote, or empty. */
    String prompt(Map<String, Object> body);

    List<RecordedRequest.Message> conversation(Map<String, Object> body);

    List<String> toolResults(Map<String, Object> body);

    /** The wire form of a scripted (or default) reply to a turn. */
    Answer answer(Map<String, Object> body, Reply reply, Ids ids);

    /** A harmless answer to a side request, so that it never disturbs the script. */
    Answer sideAnswer(String method, String path, Map<String, Object> body, Ids ids);

    /**
     * A response in pieces.
     *
     * @param status      HTTP status
     * @param contentType content type, or {@code null} for an empty body
     * @param headers     further response headers
     * @param streamed    whether the body goes out chunked, piece by piece, flushed after each
     * @param pieces      the body in pieces (one piece when not streamed)
     * @param pieceDelay  the wait before every piece after the first
     * @param stall       whether to stop after the pieces and wait until the server closes
     */
    record Answer(
            int status,
            String contentType,
            Map<String, String> headers,
            boolean streamed,
            List<String> pieces,
            Duration pieceDelay,
            boolean stall) {
        public Answer {
            headers = Map.copyOf(headers);
            pieces = List.copyOf(pieces);
            if (!streamed && pieces.size() > 1) {
                throw new IllegalArgumentException("a body that is not streamed goes out in one piece");
            }
        }
    }

    /** Deterministic ids, unique per server, so that logs and transcripts read alike run to run. */
    interface Ids {
        String next(String prefix);
    }
}
