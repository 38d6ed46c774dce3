package dev.khlone.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@link Push.Event} frames of one transcript entry for many streams, as {@link Codec#encode} writes
 * them: the entry's transcript line (encoded once, for the disk) is the body every watcher of a
 * clone shares, and each stream's frame is its own head ({@code {"type":"event","re":...,"clone":...,"entry":})
 * and that line.
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

    /** One stream's frame of the entry whose transcript line ({@code TranscriptEntry.toLine}, newline included) is {@code line}. */
    public static byte[] frame(byte[] head, byte[] line) {
        byte[] frame = Arrays.copyOf(head, head.length + line.length + 1);
        System.arraycopy(line, 0, frame, head.length, line.length - 1);
        frame[frame.length - 2] = '}';
        frame[frame.length - 1] = '\n';
        return frame;
    }
}
