package dev.khlone.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@link Push.Event} frames of one transcript entry for many streams, as {@link Codec#encode} writes
 * them: the entry's transcript line (encoded once, for the disk) is the body every watcher of a
 * clone shares, and each stream's frame is its own head ({@code {"type":"event","re":...,"clone":...,"entry":})
 * and that body, as {@code Codec.encode(new Push.Event(re, slug, entry))} gives it.
 */
public final class EventFrames {
    private static final byte[] ENTRY = ",\"entry\":".getBytes(StandardCharsets.US_ASCII);

    private EventFrames() {}

    /** The head of every event frame of stream {@code re} about clone {@code slug}: computed once per stream. */
    public static byte[] head(String re, String slug) {
        byte[] bare = Codec.encode(new Push.Event(re, slug, null)); // {"type":"event","re":"...","clone":"..."}\n
        byte[] head = Arrays.copyOf(bare, bare.length - 2 + ENTRY.length);
        System.arraycopy(ENTRY, 0, head, bare.length - 2, ENTRY.length);
        return head;
    }

    /** The body of the frames of the entry whose transcript line ({@code TranscriptEntry.toLine}, newline included) is {@code line}. */
    public static byte[] body(byte[] line) {
        byte[] body = Arrays.copyOf(line, line.length + 1);
        body[body.length - 2] = '}';
        body[body.length - 1] = '\n';
        return body;
    }
}
