package dev.khlone.daemon.crew;

import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** A client that records what it is sent; {@link #stall} makes it refuse frames like one that stopped reading. */
final class RecordingClient implements Client {
    private final List<Reply> received = new ArrayList<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private volatile boolean stalled;

    @Override
    public synchronized boolean send(Reply reply) {
        if (stalled) {
            return false;
        }
        received.add(reply);
        notifyAll();
        return true;
    }

    @Override
    public boolean sendFrame(byte[] head, byte[] body) {
        byte[] frame = Arrays.copyOf(head, head.length + body.length - 1);
        System.arraycopy(body, 0, frame, head.length, body.length - 1);
        try {
            return send((Reply) Codec.decode(frame));
        } catch (ProtocolException e) {
            throw new AssertionError("the daemon encoded a frame it cannot read", e);
        }
    }

    @Override
    public long backlog() {
        return stalled ? Long.MAX_VALUE : 0;
    }

    @Override
    public synchronized void onClose(Runnable action) {
        onClose.add(action);
    }

    void stall(boolean stalled) {
        this.stalled = stalled;
    }

    void close() {
        List<Runnable> actions;
        synchronized (this) {
            actions = List.copyOf(onClose);
        }
        actions.forEach(Runnable::run);
    }

    synchronized List<Reply> received() {
        return List.copyOf(received);
    }

    /** Everything sent as {@link Push.Output}, as text. */
    synchronized String output() {
        StringBuilder sb = new StringBuilder();
        for (Reply r : received) {
            if (r instanceof Push.Output) {
                sb.append(new String(((Push.Output) r).data(), StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    synchronized <T extends Reply> T await(Class<T> type, Predicate<T> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Reply r : received) {
                if (type.isInstance(r) && which.test(type.cast(r))) {
                    return type.cast(r);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " as expected within " + timeout + "; got " + received);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized String awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("output never showed \"" + text + "\": " + output());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return output();
    }
}
