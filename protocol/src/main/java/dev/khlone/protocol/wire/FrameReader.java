package dev.khlone.protocol.wire;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated frames. A frame over the limit is refused as soon
 * as the limit is passed, before it is buffered whole.
 */
public final class FrameReader {
    private final InputStream in;
    private final int limit;
    private final byte[] chunk;
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[256];

    /** Reads {@code chunk} bytes at a time: a watcher of a busy clone gains from more than the 8 KiB default. */
    public FrameReader(InputStream in, int limit, int chunk) {
        this.in = in;
        this.limit = limit;
        this.chunk = new byte[chunk];
    }

    public FrameReader(InputStream in, int limit) {
        this(in, limit, 8192);
    }

    public FrameReader(InputStream in) {
        this(in, Protocol.MAX_FRAME);
    }

    /** Whether bytes of the next frame are already read: {@link #next} may then return without waiting. */
    public boolean ready() {
        return chunkPos < chunkEnd;
    }

    /**
     * The next frame without its newline, or null at the end of the stream. A partial frame cut
     * off by the end of the stream is dropped: its sender is gone and nobody waits for an answer.
     *
     * @throws ProtocolException {@code frame-too-large} once a frame passes the limit; the
     *     stream is then mid-frame and the caller should close it
     */
    public byte[] next() throws IOException, ProtocolException {
        int length = 0;
        while (true) {
            if (chunkPos == chunkEnd) {
                int n = in.read(chunk);
                if (n < 0) {
                    return null;
                }
                chunkPos = 0;
                chunkEnd = n;
            }
            int start = chunkPos;
            int end = start; // a local: the bulk of a watch stream passes this loop, which C1 keeps fields out of registers in
            while (end < chunkEnd && chunk[end] != '\n') {
                end++;
            }
            chunkPos = end;
            int n = end - start;
            if (length + n > limit) {
                throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                        "frame is larger than " + limit + " bytes", "send smaller frames");
            }
            if (length + n > line.length) {
                line = Arrays.copyOf(line, Math.min(limit, Math.max(length + n, line.length * 2)));
            }
            System.arraycopy(chunk, start, line, length, n);
            length += n;
            if (chunkPos < chunkEnd) {
                chunkPos++;
                return Arrays.copyOf(line, length);
            }
        }
    }
}
