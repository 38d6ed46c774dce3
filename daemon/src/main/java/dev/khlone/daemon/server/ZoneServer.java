package dev.khlone.daemon.server;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * The zone's unix socket. The accept loop only checks who is calling and hands the connection to
 * a {@link Session}; it never reads from or waits on a client. Between accepts (at least every
 * {@link #TICK}) it looks after the socket and the sessions: a socket file deleted or replaced is
 * re-created (the daemon holds the zone lock, so it may), and a session stuck writing to a client
 * that stopped reading is dropped.
 */
public final class ZoneServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ZoneServer.class.getName());

    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMillis(500);

    /**
     * What one zone's clients may hold: {@code connections} at once (two threads each), {@code hello}
     * to say hello after connecting, {@code stall} with a reply written but not read. A client that
     * has said hello may then wait quietly for as long as it likes (an {@code --await} of hours).
     */
    public record Limits(int connections, Duration hello, Duration stall) {
        public Limits {
            if (connections < 1 || hello.isNegative() || hello.isZero() || stall.isNegative() || stall.isZero()) {
                throw new IllegalArgumentException("limits must be positive: " + connections + ", " + hello + ", " + stall);
            }
        }

        public static final Limits DEFAULT = new Limits(256, Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    private final Path publicPath;
    private final Path record;
    private final long ownerUid;
    private final String zoneId;
    private final Limits limits;
    private final Function<Client, Request.Visitor<Reply>> handlers;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile SocketFile.Bound bound;
    private volatile boolean closed;

    private ZoneServer(Path publicPath, Path record, long ownerUid, String zoneId, Limits limits,
                       Function<Client, Request.Visitor<Reply>> handlers) {
        this.publicPath = publicPath;
        this.record = record;
        this.ownerUid = ownerUid;
        this.zoneId = zoneId;
        this.limits = limits;
        this.handlers = handlers;
        this.acceptor = new Thread(this::acceptLoop, "accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds the socket at {@code path} (0600) — or, when another user's file or anything else not
     * ours is there, at a fresh name written to {@code record} — and starts serving. Only peers whose
     * uid is {@code ownerUid} are served; each connection gets its own handler from {@code handlers},
     * whose methods answer at once or return null and answer later through the {@link Client}. The
     * caller must hold the zone lock for as long as this serves.
     */
    public static ZoneServer start(Path path, Path record, long ownerUid, String zoneId, Limits limits,
                                   Function<Client, Request.Visitor<Reply>> handlers) throws IOException {
        ZoneServer zs = new ZoneServer(path, record, ownerUid, zoneId, limits, handlers);
        zs.bound = zs.bind();
        zs.acceptor.start();
        return zs;
    }

    /** The socket being served: the public path, or the fresh name used instead. */
    /** How many clients are connected now. */
    public int clients() {
        return sessions.size();
    }

    public Path socket() {
        return bound.path();
    }

    private SocketFile.Bound bind() throws IOException {
        SocketFile.Bound b = SocketFile.bind(publicPath, record, ownerUid);
        try {
            b.server().setSoTimeout((int) TICK.toMillis());
        } catch (IOException e) {
            SocketFile.release(b, record);
            throw e;
        }
        return b;
    }

    private void acceptLoop() {
        int count = 0;
        long nextTick = System.nanoTime() + TICK.toNanos();
        while (!closed) {
            Socket socket = null;
            try {
                socket = bound.server().accept();
            } catch (SocketTimeoutException e) {
                // time to look after things
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "accept on " + bound.path() + " failed; re-creating the socket", e);
                if (!recreate()) {
                    pause();
                }
            }
            if (socket != null) {
                admit((AFUNIXSocket) socket, ++count);
            }
            if (System.nanoTime() - nextTick >= 0) {
                tick();
                nextTick = System.nanoTime() + TICK.toNanos();
            }
        }
    }

    private void tick() {
        if (!SocketFile.intact(bound)) {
            LOG.warning("the socket " + bound.path() + " was deleted or replaced; re-creating it");
            recreate();
        }
        long now = System.nanoTime();
        sessions.forEach(s -> s.dropIfStalled(now, limits.stall()));
    }

    /** Serves on a new socket file; false if that failed (the next tick tries again). */
    private synchronized boolean recreate() {
        if (closed) {
            return true;
        }
        SocketFile.close(bound);
        try {
            bound = bind();
            LOG.info("serving zone " + zoneId + " on " + bound.path() + " again");
            return true;
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "cannot re-create the socket " + publicPath + "; trying again shortly", e);
            return false;
        }
    }

    private void admit(AFUNIXSocket socket, int number) {
        if (!permitted(socket, number)) {
            return;
        }
        if (sessions.size() >= limits.connections() && !dropOldestSilent()) {
            refuseBusy(socket, number);
            return;
        }
        Session session = new Session(number, socket, limits.hello(), zoneId, handlers, sessions::remove);
        sessions.add(session);
        session.start();
    }

    /** Makes room by dropping the oldest client that has not said hello yet; false if all have. */
    private boolean dropOldestSilent() {
        return sessions.stream().filter(s -> !s.greeted()).min(Comparator.comparingInt(Session::number))
                .map(s -> {
                    LOG.fine("session " + s.number() + ": dropped to make room; it had not said hello");
                    sessions.remove(s);
                    s.drop();
                    return true;
                })
                .orElse(false);
    }

    /** The answer fits the new socket's empty buffer, so writing it here cannot block the loop. */
    private void refuseBusy(AFUNIXSocket socket, int number) {
        LOG.warning("refused connection " + number + ": " + sessions.size() + " clients are connected, the limit is "
                + limits.connections());
        try (socket) {
            socket.getOutputStream().write(Codec.encode(new Reply.Error(null, ErrorCode.BUSY,
                    "the zone daemon serves " + limits.connections() + " connections already",
                    "close some (watch, talk, --await), or try again in a moment")));
        } catch (IOException e) {
            LOG.log(Level.FINE, "telling connection " + number + " it was refused", e);
        }
    }

    private boolean permitted(AFUNIXSocket socket, int number) {
        long uid;
        try {
            uid = socket.getPeerCredentials().getUid();
        } catch (IOException e) {
            uid = -1;
        }
        if (uid == ownerUid) {
            return true;
        }
        LOG.warning("refused connection " + number + " from uid " + uid + ": only uid " + ownerUid + " may use this zone");
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to tell a peer we refuse.
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(TICK.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops accepting, removes the socket file (and its record), and gives every session a moment
     * to write what it has queued (the answer to a stop request, say) before the process goes away.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            SocketFile.release(bound, record);
        }
        sessions.forEach(Session::close);
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
