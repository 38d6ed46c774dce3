package dev.khlone.daemon;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.FrameReader;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/** A client that writes whatever bytes a test likes and reads frames back, with a time limit. */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;
    private final FrameReader frames;

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        frames = new FrameReader(new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        });
    }

    RawClient send(Request request) throws IOException {
        return write(Codec.encode(request));
    }

    RawClient write(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        return this;
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                RawClient.this.write(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                RawClient.this.write(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        };
    }

    /** The next frame, or null when the daemon closed the connection; fails after the timeout. */
    Message next(Duration timeout) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis()); // the read's deadline, not a wait for an event: a UNIX channel has no read timeout
                channel.close();
            } catch (InterruptedException | IOException e) {
                // read finished in time
            }
        });
        watchdog.start();
        try {
            byte[] frame = frames.next();
            if (watchdog.isAlive()) {
                return frame == null ? null : Codec.decode(frame);
            }
            throw new AssertionError("no frame within " + timeout);
        } finally {
            watchdog.interrupt();
        }
    }

    /** The next frame, or null once the connection ends: a caller that must not wait forever closes the client. */
    Message read() throws Exception {
        byte[] frame = frames.next();
        return frame == null ? null : Codec.decode(frame);
    }

    Message next() throws Exception {
        return next(Duration.ofSeconds(10));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
