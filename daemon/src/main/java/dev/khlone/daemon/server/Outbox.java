package dev.khlone.daemon.server;

import java.util.ArrayDeque;

/**
 * Frames waiting to be written to one client, bounded in bytes: whoever produces them (a request
 * handler, a brain's output fan-out) never waits on a slow client. What to do with a client that
 * falls behind is the producer's call: {@link #offer} says when it would go over the bound. A frame
 * may be queued in two pieces, its head and a body other clients' frames share.
 */
final class Outbox {
    /** Held frames of this many bytes wake the writer anyway: one write's worth. */
    private static final long HELD = 64 << 10;
    private final long capacity;
    /** The pieces of the frames, in order: a frame's pieces are queued together. */
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private long bytes;
    private boolean closed;

    Outbox(long capacity) {
        this.capacity = capacity;
    }

    /** Queues a frame; false, and nothing queued, if that would pass the bound or the box is closed. */
    synchronized boolean offer(byte[] frame) {
        return offer(frame, null);
    }

    /** Queues the frame {@code head} then {@code body} (none if null), as {@link #offer(byte[])}. */
    synchronized boolean offer(byte[] head, byte[] body) {
        return offer(head, body, true);
    }

    /**
     * {@link #offer(byte[], byte[])}; without {@code wake}, a writer waiting for frames is not woken
     * for this one (the frames of a burst go out together, at {@link #wake}), unless a write's worth is queued.
     */
    synchronized boolean offer(byte[] head, byte[] body, boolean wake) {
        int length = head.length + (body == null ? 0 : body.length);
        if (closed || bytes + length > capacity) {
            return false;
        }
        frames.add(head);
        if (body != null) {
            frames.add(body);
        }
        bytes += length;
        if (wake || bytes >= HELD) {
            notifyAll();
        }
        return true;
    }

    /** Wakes a writer waiting for frames: those offered without waking it go out. */
    synchronized void wake() {
        notifyAll();
    }

    synchronized long bytes() {
        return bytes;
    }

    /** The next piece of a frame, waiting for one; null once closed and drained. */
    synchronized byte[] take() throws InterruptedException {
        while (frames.isEmpty() && !closed) {
            wait();
        }
        byte[] frame = frames.poll();
        if (frame != null) {
            bytes -= frame.length;
        }
        return frame;
    }

    /** No more frames are accepted; those queued are still handed out. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
