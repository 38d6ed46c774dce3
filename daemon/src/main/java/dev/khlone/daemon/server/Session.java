package dev.khlone.daemon.server;

import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.FrameReader;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: a reader thread that decodes and dispatches its requests, and a writer
 * thread that drains its {@link Outbox}, so a client that stops reading stalls only itself.
 */
final class Session implements Client {
    private static final Logger LOG = Logger.getLogger(Session.class.getName());
    /**
     * The most a client may have waiting: replies are small, and a watcher that falls this far
     * behind a brain's output misses some of it (and is resynchronised) rather than holding memory.
     */
    static final long OUTBOX_BYTES = 8L << 20;
    private static final int WRITE_BUFFER = 64 << 10;

    private final int number;
    private final Socket socket;
    private final Duration helloTimeout;
    private final String zoneId;
    private final Request.Visitor<Reply> handler;
    private final Consumer<Session> onClosed;
    private final Outbox outbox = new Outbox(OUTBOX_BYTES);
    private final List<Runnable> closeActions = new ArrayList<>();
    private boolean closed;
    private volatile boolean greeted;
    /** When the write in progress began (System.nanoTime), 0 between writes. */
    private volatile long writingSince;

    Session(int number, Socket socket, Duration helloTimeout, String zoneId,
            Function<Client, Request.Visitor<Reply>> handlers, Consumer<Session> onClosed) {
        this.number = number;
        this.socket = socket;
        this.helloTimeout = helloTimeout;
        this.zoneId = zoneId;
        this.handler = handlers.apply(this);
        this.onClosed = onClosed;
    }

    void start() {
        Thread reader = new Thread(this::read, "session-" + number + "-reader");
        Thread writer = new Thread(this::write, "session-" + number + "-writer");
        reader.setDaemon(true);
        writer.setDaemon(true);
        writer.start();
        reader.start();
    }

    /**
     * Stops taking requests: the reader sees the end of input, and the writer still writes what
     * is queued (such as the answer to a request being handled right now) before closing.
     */
    void close() {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            outbox.close();
        }
    }

    int number() {
        return number;
    }

    /** Whether the client has said hello: one that has not is the first to go when the daemon is full. */
    boolean greeted() {
        return greeted;
    }

    /**
     * Drops the client if a write to it has been stuck for longer than {@code stall}: it has
     * stopped reading while its replies piled up, and would hold two threads forever.
     */
    void dropIfStalled(long now, Duration stall) {
        long since = writingSince;
        if (since != 0 && now - since > stall.toNanos()) {
            LOG.info("session " + number + ": the client has not read its replies for " + stall.toSeconds() + " s; dropping it");
            drop();
        }
    }

    /** Ends the connection now, whatever its threads are doing (a blocked write fails). */
    void drop() {
        outbox.close();
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "session " + number + " close failed", e);
        }
    }

    private void read() {
        try {
            FrameReader frames = new FrameReader(socket.getInputStream());
            // A client that connects and says nothing holds two threads: it gets a few seconds.
            socket.setSoTimeout((int) helloTimeout.toMillis());
            if (greet(frames)) {
                socket.setSoTimeout(0);
                serve(frames);
            }
        } catch (SocketTimeoutException e) {
            LOG.info("session " + number + ": no hello within " + helloTimeout.toMillis() + " ms; closing");
        } catch (ProtocolException e) {
            // Only a frame the reader cannot end (oversized, or output cut or lying about its length) gets here: the stream is mid-frame and cannot be resynchronised.
            LOG.info("session " + number + ": " + e.getMessage() + "; closing");
            send(e.reply(null));
        } catch (IOException e) {
            LOG.log(Level.FINE, "session " + number + " read failed", e);
        } finally {
            outbox.close();
        }
    }

    /** The first frame must be a hello of our protocol version. */
    private boolean greet(FrameReader frames) throws IOException, ProtocolException {
        byte[] frame = frames.next();
        if (frame == null) {
            return false;
        }
        Request first;
        try {
            first = Codec.decodeRequest(frame);
        } catch (ProtocolException e) {
            send(e.reply(e.re()));
            return false;
        }
        if (!(first instanceof Request.Hello hello)) {
            send(new Reply.Error(first.id(), ErrorCode.BAD_REQUEST,
                    "the first frame must be 'hello', not '" + first.type() + "'", null));
            return false;
        }
        if (hello.protocol() != Protocol.VERSION) {
            LOG.info("session " + number + ": refused " + hello.client() + " speaking protocol " + hello.protocol());
            send(new Reply.Error(hello.id(), ErrorCode.PROTOCOL_MISMATCH,
                    "the zone daemon (khlone " + Version.CURRENT + ") speaks protocol " + Protocol.VERSION
                            + ", this client (" + hello.client() + ") speaks protocol " + hello.protocol(),
                    hello.protocol() < Protocol.VERSION
                            ? "this khlone is older than the daemon: run the newer khlone, or, to go back to this one, khlone daemon restart"
                            : "restart the daemon with the khlone you are running: khlone daemon restart"));
            return false;
        }
        greeted = true; // before the welcome: a client that has it must never be the one dropped to make room
        send(new Reply.Welcome(hello.id(), Protocol.VERSION, Version.CURRENT, zoneId));
        return true;
    }

    private void serve(FrameReader frames) throws IOException, ProtocolException {
        byte[] frame;
        while ((frame = frames.next()) != null) {
            Reply reply;
            try {
                reply = Codec.decodeRequest(frame).accept(handler);
            } catch (ProtocolException e) {
                reply = e.reply(e.re());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "session " + number + ": request failed", e);
                reply = new Reply.Error(null, ErrorCode.INTERNAL, "the daemon failed: " + e, "see the daemon log");
            }
            // A handler that answers later returns null.
            if (reply != null && !send(reply)) {
                LOG.info("session " + number + ": client is not reading its replies; closing");
                return;
            }
        }
    }

    @Override
    public boolean send(Reply reply) {
        return outbox.offer(Codec.encode(reply));
    }

    @Override
    public boolean sendFrame(byte[] head, byte[] body) {
        return outbox.offer(head, body);
    }

    @Override
    public boolean holdFrame(byte[] head, byte[] body) {
        return outbox.offer(head, body, false);
    }

    @Override
    public void release() {
        outbox.wake();
    }

    @Override
    public long backlog() {
        return outbox.bytes();
    }

    @Override
    public void onClose(Runnable action) {
        synchronized (closeActions) {
            if (!closed) {
                closeActions.add(action);
                return;
            }
        }
        action.run();
    }

    private void write() {
        try (socket) {
            // Frames queued together go out in one write: a watcher of a fast brain gets many at once.
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), WRITE_BUFFER);
            byte[] frame;
            while ((frame = outbox.take()) != null) {
                writingSince = System.nanoTime();
                out.write(frame);
                if (outbox.bytes() == 0) {
                    out.flush();
                }
                writingSince = 0;
            }
            out.flush();
        } catch (IOException e) {
            LOG.log(Level.FINE, "session " + number + " write failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            outbox.close();
            List<Runnable> actions;
            synchronized (closeActions) {
                closed = true;
                actions = List.copyOf(closeActions);
            }
            actions.forEach(Runnable::run);
            onClosed.accept(this);
        }
    }
}
