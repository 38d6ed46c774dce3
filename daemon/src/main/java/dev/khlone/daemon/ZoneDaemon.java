package dev.khlone.daemon;

import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.server.ZoneServer;
import dev.khlone.daemon.store.OwnerOnly;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One zone's daemon: holds the zone lock, serves the zone socket, and shuts both down in order.
 */
public final class ZoneDaemon {
    private static final Logger LOG = Logger.getLogger(ZoneDaemon.class.getName());

    private final Zone zone;
    private final Path socket;
    private final Instant started = Instant.now();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ZoneLock lock;
    private Store store;
    private Crew crew;
    private ZoneServer server;

    private ZoneDaemon(Zone zone, Path socket) {
        this.zone = zone;
        this.socket = socket;
    }

    /**
     * Takes the zone lock and starts serving. Only {@code ownerUid} may connect.
     *
     * @throws IOException with a message for people when the zone is taken or the socket path unusable
     */
    public static ZoneDaemon start(Zone zone, Locations locations, long ownerUid) throws IOException {
        // Prompts, replies and series ids: owner-only, and so is whatever an older khlone left open.
        Path dir = OwnerOnly.directories(locations.zoneDir(zone));
        OwnerOnly.tighten(dir);
        Files.createDirectories(locations.socketDir());
        // pty4j unpacks its native library into a fresh temp dir per JVM unless told where; keep one per zone.
        System.setProperty("pty4j.tmpdir", OwnerOnly.directories(dir.resolve("native")).toString());
        ZoneDaemon daemon = new ZoneDaemon(zone, locations.socket(zone));
        daemon.lock = ZoneLock.acquire(locations.daemonLock(zone));
        try {
            daemon.store = Store.open(locations.crewFile(zone), locations.taskJournal(zone),
                    locations.transcripts(zone));
            daemon.crew = Crew.restore(zone, daemon.store, brains(), System.getenv());
            daemon.server = ZoneServer.start(daemon.socket, ownerUid, zone.id(),
                    client -> new Requests(daemon, daemon.crew, client));
        } catch (IOException | RuntimeException e) {
            daemon.release();
            throw e;
        }
        LOG.info("serving zone " + zone.id() + " (" + zone.root() + ") on " + daemon.socket
                + ", pid " + ProcessHandle.current().pid());
        return daemon;
    }

    Zone zone() {
        return zone;
    }

    Instant started() {
        return started;
    }

    /** Stops serving, removes the socket, releases the zone. Safe to call more than once. */
    public synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.info("stopping");
        server.close();
        release();
        stopped.countDown();
        LOG.info("stopped");
    }

    private void release() {
        if (crew != null) {
            crew.shutdown();
        }
        try {
            if (store != null) {
                store.close();
            }
            lock.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing the zone's state", e);
        }
    }

    /**
     * The brains this khlone has, by name: every {@link Brain} on the class path, and in the jars
     * (or class directories) that {@code KHLONE_BRAIN_PATH} lists: a new brain is one jar.
     */
    private static Map<String, Brain> brains() throws IOException {
        List<URL> extra = new ArrayList<>();
        String path = System.getenv("KHLONE_BRAIN_PATH");
        if (path != null && !path.isBlank()) {
            for (String entry : path.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (!Files.exists(p)) {
                    throw new IOException("KHLONE_BRAIN_PATH names " + p + ", which does not exist");
                }
                extra.add(p.toUri().toURL());
            }
        }
        ClassLoader loader = new URLClassLoader(extra.toArray(new URL[0]), ZoneDaemon.class.getClassLoader());
        Map<String, Brain> brains = new TreeMap<>();
        ServiceLoader.load(Brain.class, loader).forEach(b -> brains.put(b.name(), b));
        LOG.info("brains: " + String.join(", ", brains.keySet()));
        return brains;
    }

    /** Stops from another thread, so that the caller (a session answering a stop request) is not blocked. */
    void stopSoon() {
        Thread t = new Thread(this::stop, "stop");
        t.setDaemon(true);
        t.start();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
