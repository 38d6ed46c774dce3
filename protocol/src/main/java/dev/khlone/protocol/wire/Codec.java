package dev.khlone.protocol.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.khlone.protocol.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Turns messages into frames and back, on jackson-core's streaming parser and generator: the client
 * shares this registry with the daemon and never loads jackson-databind (100+ ms of start-up).
 */
public final class Codec {
    private interface Reader {
        Message read(Fields fields) throws ProtocolException;
    }

    /** Anything that writes itself as the fields of one JSON object, like the records of the state dir. */
    public interface Writable {
        void write(FrameWriter out) throws IOException;
    }

    private static final Map<String, Reader> READERS = Map.ofEntries(
            Map.entry(Hello.TYPE, Hello::read),
            Map.entry(Welcome.TYPE, Welcome::read),
            Map.entry(StatusRequest.TYPE, StatusRequest::read),
            Map.entry(ZoneStatus.TYPE, ZoneStatus::read),
            Map.entry(StopRequest.TYPE, StopRequest::read),
            Map.entry(Ok.TYPE, Ok::read),
            Map.entry(ErrorReply.TYPE, ErrorReply::read),
            Map.entry(SubmitRequest.TYPE, SubmitRequest::read),
            Map.entry(Accepted.TYPE, Accepted::read),
            Map.entry(AwaitRequest.TYPE, AwaitRequest::read),
            Map.entry(TaskEnded.TYPE, TaskEnded::read),
            Map.entry(TaskQuery.TYPE, TaskQuery::read),
            Map.entry(TaskReport.TYPE, TaskReport::read),
            Map.entry(CancelRequest.TYPE, CancelRequest::read),
            Map.entry(KillRequest.TYPE, KillRequest::read),
            Map.entry(RebootRequest.TYPE, RebootRequest::read),
            Map.entry(WatchRequest.TYPE, WatchRequest::read),
            Map.entry(TalkRequest.TYPE, TalkRequest::read),
            Map.entry(InputRequest.TYPE, InputRequest::read),
            Map.entry(ResizeRequest.TYPE, ResizeRequest::read),
            Map.entry(DetachRequest.TYPE, DetachRequest::read),
            Map.entry(Watching.TYPE, Watching::read),
            Map.entry(Talking.TYPE, Talking::read),
            Map.entry(TalkEnded.TYPE, TalkEnded::read),
            Map.entry(Output.TYPE, Output::read),
            Map.entry(Notice.TYPE, Notice::read),
            Map.entry(WatchEvent.TYPE, WatchEvent::read));

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private Codec() {}

    /** The wire names this codec reads: one per message type. */
    static java.util.Set<String> typeNames() {
        return READERS.keySet();
    }

    /** One frame: the message as a JSON object followed by {@code \n}. */
    public static byte[] encode(Message message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("type", message.type());
            message.write(new FrameWriter(json));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding to memory cannot fail", e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /** One JSON object followed by {@code \n}: a line of a JSON-lines file. */
    public static byte[] line(Writable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            value.write(new FrameWriter(json));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding to memory cannot fail", e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /** The fields of one JSON object, as {@link #line} wrote it; {@code what} names it in errors. */
    public static Fields object(byte[] json, String what) throws ProtocolException {
        return new Fields(what, parseObject(json));
    }

    /** Decodes one frame, newline excluded. */
    public static Message decode(byte[] frame) throws ProtocolException {
        Fields fields = parse(frame);
        Reader reader = READERS.get(fields.type());
        try {
            if (reader == null) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown frame type '" + fields.type() + "'");
            }
            return reader.read(fields);
        } catch (ProtocolException e) {
            throw e.about(fields.optionalString("id"));
        }
    }

    /** Decodes a frame that must be a request, as the daemon reads them. */
    public static Request decodeRequest(byte[] frame) throws ProtocolException {
        Message m = decode(frame);
        if (m instanceof Request) {
            return (Request) m;
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + m.type() + "' is not a request");
    }

    private static Fields parse(byte[] frame) throws ProtocolException {
        Map<String, Object> object = parseObject(frame);
        Object type = object.get("type");
        if (!(type instanceof String)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame has no string field 'type'");
        }
        return new Fields((String) type, object);
    }

    private static Map<String, Object> parseObject(byte[] frame) throws ProtocolException {
        Map<String, Object> object;
        try (JsonParser p = JSON.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> read = (Map<String, Object>) Json.read(p);
            object = read;
            if (p.nextToken() != null) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame has content after its JSON object");
            }
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame is not valid JSON: " + firstLine(e.getMessage()));
        }
        return object;
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
