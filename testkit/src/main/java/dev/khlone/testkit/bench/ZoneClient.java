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
