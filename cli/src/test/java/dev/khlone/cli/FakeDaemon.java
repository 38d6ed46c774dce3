package dev.khlone.cli;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.FrameReader;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A zone daemon for the client's tests: listens on the socket a {@link Cli} points at, welcomes
 * every hello, answers other requests with what the test scripted, and records what it was sent.
 */
final class FakeDaemon implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    private final Function<Request, List<Reply>> script;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FakeDaemon(Path socket, Function<Request, List<Reply>> script) throws IOException {
        this.socket = socket;
        this.script = script;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = new Thread(this::accept, "fake-daemon");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves the zone of {@code cli}; {@code script} answers each request after hello (null closes). */
    static FakeDaemon serving(Cli cli, Function<Request, Reply> script) {
        return streaming(cli, request -> {
            Reply reply = script.apply(request);
            return reply == null ? null : List.of(reply);
        });
    }

    /**
     * Like {@link #serving}, where a request may be answered with several frames, such as a
     * watch's; a null among them closes the connection there.
     */
    static FakeDaemon streaming(Cli cli, Function<Request, List<Reply>> script) {
        try {
            Zone zone = new Locations(cli.home, cli.sockets).zoneAt(cli.zoneRoot);
            return new FakeDaemon(cli.sockets.resolve("khlone-zone-" + zone.id() + ".sock"), script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The requests after hello, in the order they came. */
    List<Request> received() {
        return received;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> serve(c), "fake-daemon-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            FrameReader frames = new FrameReader(new InputStream() {
                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return channel.read(ByteBuffer.wrap(b, off, len));
                }
            });
            byte[] frame;
            while ((frame = frames.next()) != null) {
                Request request = Codec.decodeRequest(frame);
                List<Reply> replies;
                if (request instanceof Request.Hello) {
                    replies = List.of(new Reply.Welcome(request.id(), Protocol.VERSION, "khlone test", "zone"));
                } else {
                    received.add(request);
                    replies = script.apply(request);
                }
                if (replies == null) {
                    return;
                }
                for (Reply reply : replies) {
                    if (reply == null) {
                        return;
                    }
                    ByteBuffer out = ByteBuffer.wrap(Codec.encode(reply));
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                }
            }
        } catch (IOException | ProtocolException e) {
            // the client went away, or the test sent something it should not have: the test says so
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
