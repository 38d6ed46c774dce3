package dev.khlone.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@link Push.Output} frames of one chunk for many streams, as {@link Codec#encode} writes them:
 * the chunk is base64-encoded once into a body shared by every watcher of a clone, and each
 * stream's frame is its own head ({@code {"type":"output","re":...,"data":"}) and that body, as
 * {@code Codec.encode(new Push.Output(re, data))} gives it.
 */
public final class OutputFrames {
    private static final byte[] END = "\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = ",\"data\":\"".getBytes(StandardCharsets.US_ASCII);

    private OutputFrames() {}

    /** The head of every output frame of stream {@code re}: computed once per stream. */
    public static byte[] head(String re) {
        byte[] bare = Codec.encode(new Push.Output(re, null)); // {"type":"output","re":"..."}\n
        byte[] head = Arrays.copyOf(bare, bare.length - 2 + DATA.length);
        System.arraycopy(DATA, 0, head, bare.length - 2, DATA.length);
        return head;
    }

    /** The body of the frames carrying {@code length} bytes of {@code bytes} from {@code offset}. */
    public static byte[] body(byte[] bytes, int offset, int length) {
        int encoded = 4 * ((length + 2) / 3);
        byte[] body = new byte[encoded + END.length];
        Base64.getEncoder().encode(offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length), body);
        System.arraycopy(END, 0, body, encoded, END.length);
        return body;
    }

}
