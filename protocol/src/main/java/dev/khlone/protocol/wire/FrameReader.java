package dev.khlone.protocol.wire;

import dev.khlone.protocol.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into frames: newline-terminated lines, and output frames whose header line
 * counts the bytes after it. A frame over the limit is refused as soon as the limit is passed (or an
 * output header names more), before it is buffered whole.
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
     * The next frame without its newline, or null at the end of the stream: a JSON line, or an
     * output frame's header line, a newline and the bytes its header counts ({@link OutputFrames}).
     * A partial line cut off by the end of the stream is dropped: its sender is gone and nobody
     * waits for an answer.
     *
     * @throws ProtocolException {@code frame-too-large} once a frame passes the limit (an output
     *     frame: as soon as its header counts more); {@code bad-request} when an output frame's
     *     header has no byte count, its bytes are not followed by a newline (the header lied), or
     *     the stream ends inside them. The stream is then mid-frame and the caller should close it
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
            int newline = Bytes.indexOf(chunk, start, chunkEnd, (byte) '\n'); // the bulk of a watch stream passes here
            int end = newline < 0 ? chunkEnd : newline;
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
                int payload = OutputFrames.payload(line, length);
                return payload < 0 ? Arrays.copyOf(line, length) : withPayload(length, payload);
            }
        }
    }

    /** The header line read ({@code header} bytes), a newline, and the {@code payload} bytes it says follow it and their newline. */
    private byte[] withPayload(int header, int payload) throws IOException, ProtocolException {
        if (payload > limit - header - 1) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "an output frame of " + (payload > 999_999_999 ? "over 10^9" : payload)
                    + " bytes is larger than " + limit + " bytes", "send smaller frames");
        }
        byte[] frame = Arrays.copyOf(line, header + 1 + payload);
        frame[header] = '\n';
        int at = header + 1;
        while (at < frame.length) {
            if (chunkPos == chunkEnd) {
                if (frame.length - at >= chunk.length) { // a large rest goes straight into the frame
                    int n = in.read(frame, at, frame.length - at);
                    if (n < 0) {
                        throw cut(at - header - 1, payload);
                    }
                    at += n;
                    continue;
                }
                fill(at - header - 1, payload);
            }
            int n = Math.min(chunkEnd - chunkPos, frame.length - at);
            System.arraycopy(chunk, chunkPos, frame, at, n);
            chunkPos += n;
            at += n;
        }
        if (chunkPos == chunkEnd) {
            fill(payload, payload);
        }
        if (chunk[chunkPos] != '\n') {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "an output frame's bytes do not end where its header says (after "
                    + payload + " bytes)", "send frames of this khlone's protocol");
        }
        chunkPos++;
        return frame;
    }

    /** Reads the next chunk in the middle of an output frame, {@code got} of its {@code payload} bytes read. */
    private void fill(int got, int payload) throws IOException, ProtocolException {
        int n = in.read(chunk);
        if (n < 0) {
            throw cut(got, payload);
        }
        chunkPos = 0;
        chunkEnd = n;
    }

    private static ProtocolException cut(int got, int payload) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, "the stream ended inside an output frame, after "
                + got + " of its " + payload + " bytes", "see why the other end went away");
    }
}
