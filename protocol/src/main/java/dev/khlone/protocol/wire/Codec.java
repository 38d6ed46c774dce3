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

    /**
     * The one registry of wire names: every message type, by the name its frames carry. A switch,
     * not a map of method references: a client links only the readers of the frames it gets, not
     * all 34 at every start.
     */
    private static Reader reader(String type) {
        return switch (type) {
            case Request.Hello.TYPE -> Request.Hello::read;
            case Request.Status.TYPE -> Request.Status::read;
            case Request.Stop.TYPE -> Request.Stop::read;
            case Request.Submit.TYPE -> Request.Submit::read;
            case Request.Await.TYPE -> Request.Await::read;
            case Request.Task.TYPE -> Request.Task::read;
            case Request.Tasks.TYPE -> Request.Tasks::read;
            case Request.Doctor.TYPE -> Request.Doctor::read;
            case Request.Cancel.TYPE -> Request.Cancel::read;
            case Request.Kill.TYPE -> Request.Kill::read;
            case Request.Reboot.TYPE -> Request.Reboot::read;
            case Request.Watch.TYPE -> Request.Watch::read;
            case Request.Follow.TYPE -> Request.Follow::read;
            case Request.Talk.TYPE -> Request.Talk::read;
            case Request.Input.TYPE -> Request.Input::read;
            case Request.Resize.TYPE -> Request.Resize::read;
            case Request.Detach.TYPE -> Request.Detach::read;
            case Request.Triggers.TYPE -> Request.Triggers::read;
            case Request.TriggerRun.TYPE -> Request.TriggerRun::read;
            case Reply.Welcome.TYPE -> Reply.Welcome::read;
            case Reply.ZoneStatus.TYPE -> Reply.ZoneStatus::read;
            case Reply.Ok.TYPE -> Reply.Ok::read;
            case Reply.Error.TYPE -> Reply.Error::read;
            case Reply.Accepted.TYPE -> Reply.Accepted::read;
            case Reply.TaskEnded.TYPE -> Reply.TaskEnded::read;
            case Reply.TaskReport.TYPE -> Reply.TaskReport::read;
            case Reply.TaskList.TYPE -> Reply.TaskList::read;
            case Reply.DoctorReport.TYPE -> Reply.DoctorReport::read;
            case Reply.Watching.TYPE -> Reply.Watching::read;
            case Reply.Talking.TYPE -> Reply.Talking::read;
            case Reply.TriggerList.TYPE -> Reply.TriggerList::read;
            case Push.Output.TYPE -> Push.Output::read;
            case Push.Event.TYPE -> Push.Event::read;
            case Push.Notice.TYPE -> Push.Notice::read;
            case Push.TalkEnded.TYPE -> Push.TalkEnded::read;
            case Push.CloneChanged.TYPE -> Push.CloneChanged::read;
            case Push.CloneLeft.TYPE -> Push.CloneLeft::read;
            default -> null;
        };
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private Codec() {}

    /** Whether this codec reads frames of the wire name {@code type}. */
    static boolean reads(String type) {
        return reader(type) != null;
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
        Reader reader = reader(fields.type());
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
