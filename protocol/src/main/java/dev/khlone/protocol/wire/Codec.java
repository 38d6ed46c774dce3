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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
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

    /** The one registry of wire names: every message type, by the name its frames carry. */
    private static final Map<String, Reader> READERS = Map.ofEntries(
            Map.entry(Request.Hello.TYPE, Request.Hello::read),
            Map.entry(Request.Status.TYPE, Request.Status::read),
            Map.entry(Request.Stop.TYPE, Request.Stop::read),
            Map.entry(Request.Submit.TYPE, Request.Submit::read),
            Map.entry(Request.Await.TYPE, Request.Await::read),
            Map.entry(Request.Task.TYPE, Request.Task::read),
            Map.entry(Request.Cancel.TYPE, Request.Cancel::read),
            Map.entry(Request.Kill.TYPE, Request.Kill::read),
            Map.entry(Request.Reboot.TYPE, Request.Reboot::read),
            Map.entry(Request.Watch.TYPE, Request.Watch::read),
            Map.entry(Request.Talk.TYPE, Request.Talk::read),
            Map.entry(Request.Input.TYPE, Request.Input::read),
            Map.entry(Request.Resize.TYPE, Request.Resize::read),
            Map.entry(Request.Detach.TYPE, Request.Detach::read),
            Map.entry(Reply.Welcome.TYPE, Reply.Welcome::read),
            Map.entry(Reply.ZoneStatus.TYPE, Reply.ZoneStatus::read),
            Map.entry(Reply.Ok.TYPE, Reply.Ok::read),
            Map.entry(Reply.Error.TYPE, Reply.Error::read),
            Map.entry(Reply.Accepted.TYPE, Reply.Accepted::read),
            Map.entry(Reply.TaskEnded.TYPE, Reply.TaskEnded::read),
            Map.entry(Reply.TaskReport.TYPE, Reply.TaskReport::read),
            Map.entry(Reply.Watching.TYPE, Reply.Watching::read),
            Map.entry(Reply.Talking.TYPE, Reply.Talking::read),
            Map.entry(Push.Output.TYPE, Push.Output::read),
            Map.entry(Push.Event.TYPE, Push.Event::read),
            Map.entry(Push.Notice.TYPE, Push.Notice::read),
            Map.entry(Push.TalkEnded.TYPE, Push.TalkEnded::read));

    private static final byte[] OUTPUT = "{\"type\":\"output\",\"re\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\",\"data\":\"".getBytes(StandardCharsets.US_ASCII);

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
        Push.Output output = output(frame);
        if (output != null) {
            return output;
        }
        Push.Event event = EventFrames.read(frame);
        if (event != null) {
            return event;
        }
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
        if (m instanceof Request request) {
            return request;
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + m.type() + "' is not a request");
    }

    /**
     * The bulk of a watch stream, read straight off the frame as {@link OutputFrames} writes it
     * ({@code {"type":"output","re":"...","data":"..."}}): jackson's base64 decoding was most of a
     * watcher's time. Null for any other frame, or one in another form (an escape in {@code re},
     * fields in another order, bad base64), which the general path then reads or explains.
     */
    private static Push.Output output(byte[] frame) {
        int re = OUTPUT.length;
        if (frame.length < re || !Arrays.equals(frame, 0, re, OUTPUT, 0, re)) {
            return null;
        }
        int quote = re;
        while (quote < frame.length && frame[quote] != '"' && frame[quote] != '\\') {
            quote++;
        }
        int data = quote + DATA.length;
        if (quote == frame.length || frame[quote] == '\\' || data + 2 > frame.length
                || !Arrays.equals(frame, quote, data, DATA, 0, DATA.length)
                || frame[frame.length - 2] != '"' || frame[frame.length - 1] != '}') {
            return null;
        }
        try {
            ByteBuffer bytes = Base64.getDecoder().decode(ByteBuffer.wrap(frame, data, frame.length - 2 - data));
            byte[] decoded = bytes.array();
            return new Push.Output(new String(frame, re, quote - re, StandardCharsets.UTF_8),
                    decoded.length == bytes.remaining() ? decoded : Arrays.copyOf(decoded, bytes.remaining()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Fields parse(byte[] frame) throws ProtocolException {
        Map<String, Object> object = parseObject(frame);
        Object type = object.get("type");
        if (!(type instanceof String name)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame has no string field 'type'");
        }
        return new Fields(name, object);
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
