package dev.khlone.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@link Push.Output} frames, the one binary frame: a header line naming the byte count, then the
 * bytes as they are, then a newline ({@code {"type":"output","re":"7","bytes":5}\nhello\n}). Base64
 * in a JSON string was most of a raw watcher's time. For many streams of one chunk, the chunk is
 * copied once into a body shared by every watcher of a clone ({@code ,"bytes":N}\n}, the bytes and
 * the newline), and each stream's frame is its own head ({@code {"type":"output","re":"7"}) and that
 * body, as {@code Codec.encode(new Push.Output(re, data))} gives it.
 */
public final class OutputFrames {
    /** How every output frame begins: the frame reader knows a binary frame by it. */
    private static final byte[] OUTPUT = "{\"type\":\"output\",".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RE = "{\"type\":\"output\",\"re\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYTES = ",\"bytes\":".getBytes(StandardCharsets.US_ASCII);
    /** The most digits of a byte count read as a number: more are past any frame limit. */
    private static final int MAX_DIGITS = 9;

    private OutputFrames() {}

    /** The head of every output frame of stream {@code re}: computed once per stream. */
    public static byte[] head(String re) {
        byte[] empty = Codec.encode(new Push.Output(re, new byte[0])); // {"type":"output","re":"...","bytes":0}\n\n
        return Arrays.copyOf(empty, empty.length - BYTES.length - "0}\n\n".length());
    }

    /** The body of the frames carrying {@code length} bytes of {@code bytes} from {@code offset}. */
    public static byte[] body(byte[] bytes, int offset, int length) {
        byte[] count = (length + "}\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[BYTES.length + count.length + length + 1];
        System.arraycopy(BYTES, 0, body, 0, BYTES.length);
        System.arraycopy(count, 0, body, BYTES.length, count.length);
        System.arraycopy(bytes, offset, body, BYTES.length + count.length, length);
        body[body.length - 1] = '\n';
        return body;
    }

    /**
     * How many bytes follow the header line {@code line[0..length)} (newline excluded), or -1 if it
     * is not an output frame's: the frame reader then reads them whatever they hold.
     *
     * @throws ProtocolException when an output frame's header does not end with its byte count
     */
    static int payload(byte[] line, int length) throws ProtocolException {
        if (length < OUTPUT.length || !Arrays.equals(line, 0, OUTPUT.length, OUTPUT, 0, OUTPUT.length)) {
            return -1;
        }
        int end = length - 1;
        int digits = end;
        while (digits > 0 && line[digits - 1] >= '0' && line[digits - 1] <= '9') {
            digits--;
        }
        int n = end - digits;
        if (line[end] != '}' || n == 0 || n > 1 && line[digits] == '0' || digits < BYTES.length
                || !Arrays.equals(line, digits - BYTES.length, digits, BYTES, 0, BYTES.length)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "an output frame's header must end with its byte count (,\"bytes\":N})", "send frames of this khlone's protocol");
        }
        if (n > MAX_DIGITS) {
            return Integer.MAX_VALUE; // past any limit: refused as too large
        }
        return Integer.parseInt(new String(line, digits, n, StandardCharsets.US_ASCII));
    }

    /**
     * An output frame as the frame reader hands it out (its header line, a newline, then its bytes),
     * or null for any other frame.
     */
    static Push.Output read(byte[] frame) throws ProtocolException {
        if (frame.length < OUTPUT.length || !Arrays.equals(frame, 0, OUTPUT.length, OUTPUT, 0, OUTPUT.length)) {
            return null;
        }
        int newline = 0;
        while (newline < frame.length && frame[newline] != '\n') {
            newline++;
        }
        if (newline == frame.length) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "an output frame has no bytes after its header line",
                    "send frames of this khlone's protocol");
        }
        int count = payload(frame, newline);
        if (count != frame.length - newline - 1) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "an output frame's header names " + count
                    + " bytes but " + (frame.length - newline - 1) + " follow it", "send frames of this khlone's protocol");
        }
        return new Push.Output(re(frame, newline), Arrays.copyOfRange(frame, newline + 1, frame.length));
    }

    /** The {@code re} of the header {@code frame[0..end)}: straight off its bytes when it has no escape, else as JSON. */
    private static String re(byte[] frame, int end) throws ProtocolException {
        if (Arrays.equals(frame, 0, RE.length, RE, 0, RE.length)) {
            for (int i = RE.length; i < end; i++) {
                if (frame[i] == '\\') {
                    break;
                }
                if (frame[i] == '"') {
                    if (i + 1 + BYTES.length <= end && Arrays.equals(frame, i + 1, i + 1 + BYTES.length, BYTES, 0, BYTES.length)) {
                        return new String(frame, RE.length, i - RE.length, StandardCharsets.UTF_8);
                    }
                    break;
                }
            }
        }
        return Codec.object(Arrays.copyOf(frame, end), Push.Output.TYPE).string("re");
    }
}
