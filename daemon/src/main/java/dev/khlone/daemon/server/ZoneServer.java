package dev.khlone.daemon.server;

import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * The zone's unix socket. The accept loop only checks who is calling and hands the connection to
 * a {@link Session}; it never reads, writes or waits on a client.
 */
public final class ZoneServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ZoneServer.class.getName());

    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final AFUNIXServerSocket server;
    private final Path path;
    private final long ownerUid;
    private final String zoneId;
    private final Function<Client, Request.Visitor<Reply>> handlers;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private ZoneServer(AFUNIXServerSocket server, Path path, long ownerUid, String zoneId,
                       Function<Client, Request.Visitor<Reply>> handlers) {
        this.server = server;
        this.path = path;
        this.ownerUid = ownerUid;
        this.zoneId = zoneId;
        this.handlers = handlers;
        this.acceptor = new Thread(this::acceptLoop, "accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds the socket at {@code path} (0600) and starts serving. Only peers whose uid is
     * {@code ownerUid} are served; each connection gets its own handler from {@code handlers}, whose
     * methods answer at once or return null and answer later through the {@link Client}. The
     * caller must hold the zone lock.
     */
    public static ZoneServer start(Path path, long ownerUid, String zoneId,
                                   Function<Client, Request.Visitor<Reply>> handlers) throws IOException {
        ZoneServer zs = new ZoneServer(SocketFile.bind(path, ownerUid), path, ownerUid, zoneId, handlers);
        zs.acceptor.start();
        return zs;
    }

    private void acceptLoop() {
        int count = 0;
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.SEVERE, "accept failed; the daemon stops serving", e);
                }
                return;
            }
            count++;
            if (permitted((AFUNIXSocket) socket, count)) {
                Session session = new Session(count, socket, zoneId, handlers, sessions::remove);
                sessions.add(session);
                session.start();
            }
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

    /**
     * Stops accepting, removes the socket file, and gives every session a moment to write what it
     * has queued (the answer to a stop request, say) before the process goes away.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the socket", e);
        }
        SocketFile.remove(path);
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
