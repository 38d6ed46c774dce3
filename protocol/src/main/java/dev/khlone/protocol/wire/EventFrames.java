package dev.khlone.protocol.wire;

import dev.khlone.protocol.Bytes;
import dev.khlone.protocol.store.TranscriptEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link Push.Event} frames of one transcript entry for many streams, as {@link Codec#encode} writes
 * them: the entry's transcript line (encoded once, for the disk) is the body every watcher of a
 * clone shares, and each stream's frame is its own head ({@code {"type":"event","re":...,"clone":...,"entry":})
 * and that body, as {@code Codec.encode(new Push.Event(re, slug, entry))} gives it.
 */
public final class EventFrames {
    private static final byte[] ENTRY = ",\"entry\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "{\"type\":\"event\",\"re\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLONE = ",\"clone\":\"".getBytes(StandardCharsets.US_ASCII);

    private EventFrames() {}

    /** The head of every event frame of stream {@code re} about clone {@code slug}: computed once per stream. */
    public static byte[] head(String re, String slug) {
        byte[] bare = Codec.encode(new Push.Event(re, slug, null)); // {"type":"event","re":"...","clone":"..."}\n
        byte[] head = Arrays.copyOf(bare, bare.length - 2 + ENTRY.length);
        System.arraycopy(ENTRY, 0, head, bare.length - 2, ENTRY.length);
        return head;
    }

    /**
     * The bulk of a rendered watch stream, read straight off a frame (newline excluded) as these
     * heads and {@code TranscriptEntry.toLine} write it: strings without escapes, whole numbers,
     * booleans, nothing between the tokens. jackson's char-by-char decoding of each entry's text
     * was a third of a rendered watcher's time. Null for any other frame or form (an escape, a
     * fraction, a space, a nested value), which the general path then reads or explains.
     */
    static Push.Event read(byte[] frame) throws ProtocolException {
        Scan in = new Scan(frame);
        if (!in.skip(EVENT)) {
            return null;
        }
        String re = in.string();
        if (re == null || !in.skip(CLONE)) {
            return null;
        }
        String slug = in.string();
        if (slug == null || !in.skip(ENTRY) || !in.at('{')) {
            return null;
        }
        Map<String, Object> entry = new HashMap<>();
        do {
            String name = in.at('"') ? in.string() : null;
            Object value = name != null && in.at(':') ? in.value() : null;
            if (value == null) {
                return null;
            }
            entry.put(name, value);
        } while (in.at(','));
        if (!in.at('}') || !in.at('}') || in.at < frame.length) {
            return null;
        }
        return new Push.Event(re, slug, TranscriptEntry.read(new Fields(Push.Event.TYPE, entry)));
    }

    /** A position in a frame being read. */
    private static final class Scan {
        final byte[] frame;
        int at;

        Scan(byte[] frame) {
            this.frame = frame;
        }

        /** Steps over {@code c} if it is next. */
        boolean at(char c) {
            if (at < frame.length && frame[at] == c) {
                at++;
                return true;
            }
            return false;
        }

        boolean skip(byte[] literal) {
            if (frame.length - at < literal.length || !Arrays.equals(frame, at, at + literal.length, literal, 0, literal.length)) {
                return false;
            }
            at += literal.length;
            return true;
        }

        /** The rest of a string whose opening quote was read, through its closing one; null if it has an escape or a control character. */
        String string() {
            int start = at;
            // ASCII runs a word at a time, made into a string by a copy (no UTF-8 to check); from
            // the first byte of a multi-byte character on, byte by byte.
            int i = Bytes.plainRun(frame, start, frame.length);
            while (i < frame.length && frame[i] == 0x7f) {
                i = Bytes.plainRun(frame, i + 1, frame.length);
            }
            if (i < frame.length && frame[i] == '"') {
                at = i + 1;
                return new String(frame, start, i - start, StandardCharsets.ISO_8859_1);
            }
            for (; i < frame.length; i++) {
                int b = frame[i];
                if (b == '"') {
                    at = i + 1;
                    return new String(frame, start, i - start, StandardCharsets.UTF_8);
                }
                if (b == '\\' || b >= 0 && b < 0x20) {
                    return null;
                }
            }
            return null;
        }

        /** A string, a whole number or a boolean; null for anything else. */
        Object value() {
            if (at('"')) {
                return string();
            }
            if (skip(TRUE)) {
                return Boolean.TRUE;
            }
            if (skip(FALSE)) {
                return Boolean.FALSE;
            }
            int start = at;
            if (at < frame.length && frame[at] == '-') {
                at++;
            }
            int digits = at;
            while (at < frame.length && frame[at] >= '0' && frame[at] <= '9') {
                at++;
            }
            int n = at - digits;
            if (n == 0 || n > 18 || n > 1 && frame[digits] == '0') {
                return null; // no number, one that may not fit a long, or a leading zero JSON refuses
            }
            return Long.parseLong(new String(frame, start, at - start, StandardCharsets.US_ASCII));
        }
    }

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    /** The body of the frames of the entry whose transcript line ({@code TranscriptEntry.toLine}, newline included) is {@code line}. */
    public static byte[] body(byte[] line) {
        byte[] body = Arrays.copyOf(line, line.length + 1);
        body[body.length - 2] = '}';
        body[body.length - 1] = '\n';
        return body;
    }
}
