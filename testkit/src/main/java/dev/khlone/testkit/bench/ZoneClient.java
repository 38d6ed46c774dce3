package dev.khlone.testkit.bench;

import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.FrameReader;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A bare client of a zone daemon on its wire protocol, so that a turn's timing holds the daemon's
 * work and not a client JVM's start-up.
 */
final class ZoneClient implements AutoCloseable {
    private final SocketChannel channel;
    private final FrameReader frames;
    private int nextId;

    ZoneClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        // one thread reads and writes, so the JDK 17 trap of a stream and a writer on one channel cannot bite
        frames = new FrameReader(Channels.newInputStream(channel));
        call(new Request.Hello(id(), Protocol.VERSION, "khlone-bench"), Reply.Welcome.class);
    }

    /**
     * Compiles this client's own encoding and decoding before it is timed: the frames of a few
     * turns leave them interpreted, and what a cold client spends on them (~0.5 ms a turn, measured)
     * is not the daemon's. The daemon is not warmed: its first turns are what a user gets.
     */
    static void warm() throws IOException, ProtocolException {
        TaskInfo task = TaskInfo.queued("t-0000", "foreman.1", TaskMode.ACT, "hello", System.currentTimeMillis())
                .started(System.currentTimeMillis());
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        replies.write(Codec.encode(new Reply.Accepted("1", task)));
        replies.write(Codec.encode(new Reply.TaskEnded("2", task)));
        byte[] both = replies.toByteArray();
        for (int i = 0; i < 20_000; i++) {
            Codec.encode(new Request.Submit("1", TaskMode.ACT, "hello", null, Placement.LAST));
            Codec.encode(new Request.Await("2", "t-0000"));
            FrameReader frames = new FrameReader(new ByteArrayInputStream(both));
            Codec.decode(frames.next());
            Codec.decode(frames.next());
        }
    }

    /** Queues {@code prompt} for {@code who} (null: the hero) and returns the task's id. */
    String submit(String prompt, String who) throws IOException {
        return call(new Request.Submit(id(), TaskMode.ACT, prompt, who, Placement.LAST), Reply.Accepted.class).task().id();
    }

    /** Waits for the task to end and returns how it ended. */
    TaskInfo await(String task) throws IOException {
        return call(new Request.Await(id(), task), Reply.TaskEnded.class).task();
    }

    private String id() {
        return Integer.toString(++nextId);
    }

    private <R extends Reply> R call(Request request, Class<R> answer) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(Codec.encode(request));
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
        while (true) {
            byte[] bytes;
            Message m;
            try {
                bytes = frames.next();
                if (bytes == null) {
                    throw new IOException("the daemon closed the connection during '" + request.type() + "'");
                }
                m = Codec.decode(bytes);
            } catch (ProtocolException e) {
                throw new IOException("unreadable frame: " + e.getMessage(), e);
            }
            if (m instanceof Reply.Error error) {
                throw new IOException("the daemon refused '" + request.type() + "': " + error.message());
            }
            if (m instanceof Reply reply && request.id().equals(reply.re())) {
                return answer.cast(reply);
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
