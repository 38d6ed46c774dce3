package dev.khlone.cli;

import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.FrameReader;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * The client's end of the zone socket, on the JDK's own unix sockets (no native library to load).
 * Reads and writes go straight to the channel: on JDK 17, {@code Channels.newInputStream} and
 * {@code newOutputStream} of one channel deadlock when one thread reads while another writes.
 */
final class Connection implements AutoCloseable {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Path SELF = Path.of("/proc/self");

    private final Path socket;
    private final SocketChannel channel;
    private final FrameReader frames;
    private final Reply.Welcome welcome;
    private int nextId;

    private Connection(Path socket, SocketChannel channel) throws IOException {
        this.socket = socket;
        this.channel = channel;
        this.frames = new FrameReader(new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException("frames are read in blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        }, Protocol.MAX_FRAME, 64 << 10);
        this.welcome = call(new Request.Hello(id(), Protocol.VERSION, "khlone " + Version.CURRENT), Reply.Welcome.class);
    }

    /** Raised when nothing serves the socket: no file, or a file nobody listens on. */
    static final class NotRunning extends Exception {
        NotRunning(String message) {
            super(message);
        }
    }

    /** Raised when the socket, or the process serving it, is another user's: nothing was sent to it. */
    static final class NotOurs extends Exception {
        NotOurs(Path socket, String owner) {
            super("the socket " + socket + " belongs to " + owner + ", not to you");
        }
    }

    /**
     * Connects and says hello, once sure the other end is this user's: the socket file must be a
     * socket of ours (checked before connecting), and so must the process that accepted us
     * (checked before the first byte is written).
     *
     * @throws NotRunning when no daemon of ours serves the socket (it may be started)
     * @throws NotOurs when another user's socket or process is there
     * @throws KhloneException when the socket cannot be used for another reason
     */
    static Connection open(Path socket) throws NotRunning, NotOurs {
        UserPrincipal me = checkFile(socket);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot open a unix socket: " + e.getMessage(), null, e);
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            UserPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
            if (!peer.equals(me)) {
                close(channel);
                throw new NotOurs(socket, "a process of user " + peer.getName());
            }
            return new Connection(socket, channel);
        } catch (ConnectException e) {
            close(channel);
            throw new NotRunning("nothing answers on " + socket);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        } catch (IOException e) {
            close(channel);
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new NotRunning("no socket at " + socket);
            }
            throw new KhloneException(ExitCode.UNREACHABLE,
                    "cannot connect to the zone daemon at " + socket + ": " + e.getMessage(),
                    "check the socket, or remove it if no daemon runs: khlone daemon restart", e);
        }
    }

    /**
     * Our own socket passes; a missing one, or a file of ours that is not a socket (the daemon,
     * when started, serves elsewhere), means nothing of ours listens; another user's is refused.
     * Read without following links: a symlink is judged as itself. Returns who we are.
     */
    static UserPrincipal checkFile(Path socket) throws NotRunning, NotOurs {
        try {
            Map<String, Object> attrs;
            try {
                attrs = Files.readAttributes(socket, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                throw new NotRunning("no socket at " + socket);
            }
            int myUid = (Integer) Files.getAttribute(SELF, "unix:uid");
            int uid = (Integer) attrs.get("uid");
            if (uid != myUid) {
                String name = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName();
                throw new NotOurs(socket, "user " + name + " (uid " + uid + ")");
            }
            if (((Integer) attrs.get("mode") & S_IFMT) != S_IFSOCK) {
                throw new NotRunning(socket + " is not a socket");
            }
            return Files.getOwner(SELF);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.UNREACHABLE, "cannot inspect the zone socket " + socket + ": " + e.getMessage(),
                    "check the socket directory (KHLONE_SOCKET_DIR, else /tmp)", e);
        }
    }

    /** The socket this connection reached. */
    Path socket() {
        return socket;
    }

    Reply.Welcome welcome() {
        return welcome;
    }

    String id() {
        return Integer.toString(++nextId);
    }

    /**
     * Sends a request and returns its answer, of the type this request is answered with; an error
     * reply becomes a {@link KhloneException}, and so does an answer of another type.
     */
    <R extends Reply> R call(Request request, Class<R> answer) {
        try {
            send(request);
        } catch (KhloneException lost) {
            // A daemon that refuses us (busy) says why and closes before our request is written:
            // its reason is still there to read, and better than "broken pipe".
            if (next() == null) {
                throw lost;
            }
        }
        while (true) {
            Reply reply = next();
            if (reply == null) {
                throw new KhloneException(ExitCode.UNREACHABLE,
                        "the zone daemon closed the connection without answering", "see the daemon's log");
            }
            if (request.id().equals(reply.re())) {
                if (!answer.isInstance(reply)) {
                    throw new KhloneException(ExitCode.FAILED, "the zone daemon answered '" + request.type()
                            + "' with '" + reply.type() + "'", "restart the daemon: khlone daemon restart");
                }
                return answer.cast(reply);
            }
        }
    }

    /** Sends without waiting for an answer; safe from several threads (a talk's keys and resizes). */
    void send(Request request) {
        ByteBuffer frame = ByteBuffer.wrap(Codec.encode(request));
        synchronized (channel) {
            try {
                while (frame.hasRemaining()) {
                    channel.write(frame);
                }
            } catch (IOException e) {
                throw new KhloneException(ExitCode.UNREACHABLE, "lost the connection to the zone daemon: " + e.getMessage(),
                        "see the daemon's log", e);
            }
        }
    }

    /**
     * The next frame the daemon sends (an answer or a stream's push), or null when it closed the
     * connection; an error becomes a {@link KhloneException}. One reader thread at a time.
     */
    Reply next() {
        try {
            byte[] bytes = frames.next();
            if (bytes == null) {
                return null;
            }
            Message m = Codec.decode(bytes);
            if (m instanceof Reply.Error error) {
                throw failure(error);
            }
            if (!(m instanceof Reply reply)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + m.type() + "' is not a reply");
            }
            return reply;
        } catch (IOException e) {
            throw new KhloneException(ExitCode.UNREACHABLE, "lost the connection to the zone daemon: " + e.getMessage(),
                    "see the daemon's log", e);
        } catch (ProtocolException e) {
            throw new KhloneException(ExitCode.FAILED, "the zone daemon sent a frame this khlone cannot read: "
                    + e.getMessage(), "restart the daemon: khlone daemon restart", e);
        }
    }

    /** Whether the next frame has begun to arrive: {@link #next} will not wait long for it. */
    boolean ready() {
        return frames.ready();
    }

    private static KhloneException failure(Reply.Error error) {
        if (ErrorCode.PROTOCOL_MISMATCH.wire().equals(error.code())) {
            return new OtherProtocol(error.message(), error.hint());
        }
        // The daemon would not take this client at all: it could not be reached, as for a missing daemon.
        int exit = ErrorCode.BUSY.wire().equals(error.code()) ? ExitCode.UNREACHABLE : ExitCode.FAILED;
        return new KhloneException(exit, error.message(), error.hint());
    }

    /**
     * The daemon speaks another protocol (a khlone installed over a running one): it takes no request
     * of this client, so the daemon commands stop it by its pid instead (see {@link DaemonConnector#find}).
     */
    static final class OtherProtocol extends KhloneException {
        OtherProtocol(String message, String hint) {
            super(ExitCode.UNREACHABLE, message, hint);
        }
    }

    @Override
    public void close() {
        close(channel);
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we are done with
        }
    }
}
