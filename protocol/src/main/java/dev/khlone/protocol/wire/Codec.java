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
    /** Anything that writes itself as the fields of one JSON object, like the records of the state dir. */
    public interface Writable {
        void write(FrameWriter out) throws IOException;
    }

    /**
     * The one registry of wire names: every message type, by the name its frames carry; null for a
     * name it does not know. A switch of calls, not of method references: linking a method
     * reference costs a client's start ~0.5 ms each.
     */
    private static Message read(Fields fields) throws ProtocolException {
        return switch (fields.type()) {
            case Request.Hello.TYPE -> Request.Hello.read(fields);
            case Request.Status.TYPE -> Request.Status.read(fields);
            case Request.Stop.TYPE -> Request.Stop.read(fields);
            case Request.Submit.TYPE -> Request.Submit.read(fields);
            case Request.Await.TYPE -> Request.Await.read(fields);
            case Request.Task.TYPE -> Request.Task.read(fields);
            case Request.Tasks.TYPE -> Request.Tasks.read(fields);
            case Request.Doctor.TYPE -> Request.Doctor.read(fields);
            case Request.Cancel.TYPE -> Request.Cancel.read(fields);
            case Request.Kill.TYPE -> Request.Kill.read(fields);
            case Request.Reboot.TYPE -> Request.Reboot.read(fields);
            case Request.Watch.TYPE -> Request.Watch.read(fields);
            case Request.Follow.TYPE -> Request.Follow.read(fields);
            case Request.Talk.TYPE -> Request.Talk.read(fields);
            case Request.Input.TYPE -> Request.Input.read(fields);
            case Request.Resize.TYPE -> Request.Resize.read(fields);
            case Request.Detach.TYPE -> Request.Detach.read(fields);
            case Request.Triggers.TYPE -> Request.Triggers.read(fields);
            case Request.TriggerRun.TYPE -> Request.TriggerRun.read(fields);
            case Reply.Welcome.TYPE -> Reply.Welcome.read(fields);
            case Reply.ZoneStatus.TYPE -> Reply.ZoneStatus.read(fields);
            case Reply.Ok.TYPE -> Reply.Ok.read(fields);
            case Reply.Error.TYPE -> Reply.Error.read(fields);
            case Reply.Accepted.TYPE -> Reply.Accepted.read(fields);
            case Reply.TaskEnded.TYPE -> Reply.TaskEnded.read(fields);
            case Reply.TaskReport.TYPE -> Reply.TaskReport.read(fields);
            case Reply.TaskList.TYPE -> Reply.TaskList.read(fields);
            case Reply.DoctorReport.TYPE -> Reply.DoctorReport.read(fields);
            case Reply.Watching.TYPE -> Reply.Watching.read(fields);
            case Reply.Talking.TYPE -> Reply.Talking.read(fields);
            case Reply.TriggerList.TYPE -> Reply.TriggerList.read(fields);
            case Push.Output.TYPE -> Push.Output.read(fields);
            case Push.Event.TYPE -> Push.Event.read(fields);
            case Push.Notice.TYPE -> Push.Notice.read(fields);
            case Push.TalkEnded.TYPE -> Push.TalkEnded.read(fields);
            case Push.CloneChanged.TYPE -> Push.CloneChanged.read(fields);
            case Push.CloneLeft.TYPE -> Push.CloneLeft.read(fields);
            default -> null;
        };
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private Codec() {}

    /** Whether this codec reads frames of the wire name {@code type} (its reader may then find fields missing). */
    static boolean reads(String type) {
        try {
            return read(new Fields(type, Map.of())) != null;
        } catch (ProtocolException e) {
            return true;
        }
    }

    /** One frame: the message as a JSON object followed by {@code \n}; an output's bytes and a {@code \n} after that. */
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
        if (message instanceof Push.Output output) {
            bytes.writeBytes(output.data());
            bytes.write('\n');
        }
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

    /** Decodes one frame as {@link FrameReader#next} hands it out. */
    public static Message decode(byte[] frame) throws ProtocolException {
        Push.Output output = OutputFrames.read(frame);
        if (output != null) {
            return output;
        }
        Push.Event event = EventFrames.read(frame);
        if (event != null) {
            return event;
        }
        Fields fields = parse(frame);
        try {
            Message message = read(fields);
            if (message == null) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown frame type '" + fields.type() + "'");
            }
            return message;
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
