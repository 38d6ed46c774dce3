package dev.khlone.daemon;

import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.server.ZoneServer;
import dev.khlone.daemon.store.OwnerOnly;
import dev.khlone.daemon.store.Store;
import dev.khlone.daemon.trigger.Triggers;
import dev.khlone.protocol.Durations;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One zone's daemon: holds the zone lock, serves the zone socket, and shuts both down in order.
 */
public final class ZoneDaemon {
    private static final Logger LOG = Logger.getLogger(ZoneDaemon.class.getName());

    private final Zone zone;
    private final Instant started = Instant.now();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ZoneLock lock;
    private Store store;
    private Crew crew;
    private Triggers triggers;
    private ZoneServer server;
    private Departure departure;

    private ZoneDaemon(Zone zone) {
        this.zone = zone;
    }

    /**
     * Takes the zone lock and starts serving. Only {@code ownerUid} may connect.
     *
     * @throws IOException with a message for people when the zone is taken or the socket path unusable
     */
    public static ZoneDaemon start(Zone zone, Locations locations, long ownerUid) throws IOException {
        return start(zone, locations, ownerUid, ZoneServer.Limits.DEFAULT);
    }

    /** Writes the zone's root beside its state, for {@code khlone zones}: a temp file renamed into place. */
    private static void recordRoot(Zone zone, Locations locations) throws IOException {
        Path record = locations.rootRecord(zone);
        Path tmp = record.resolveSibling("root.tmp");
        try (FileChannel out = OwnerOnly.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap((zone.root() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static ZoneDaemon start(Zone zone, Locations locations, long ownerUid, ZoneServer.Limits limits) throws IOException {
        // Prompts, replies and series ids: owner-only, and so is whatever an older khlone left open. The list
        // of zone ids is private too: an id names a socket path another user could take first.
        Path dir = OwnerOnly.directories(locations.zoneDir(zone));
        Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(locations.socketDir());
        // pty4j unpacks its native library into a fresh temp dir per JVM unless told where; keep one per zone.
        System.setProperty("pty4j.tmpdir", OwnerOnly.directories(dir.resolve("native")).toString());
        ZoneDaemon daemon = new ZoneDaemon(zone);
        daemon.lock = ZoneLock.acquire(locations.daemonLock(zone));
        try {
            adoptUnkeyedState(zone, locations);
            OwnerOnly.tighten(dir);
            recordRoot(zone, locations);
            daemon.store = Store.open(locations.crewFile(zone), locations.taskJournal(zone),
                    locations.transcripts(zone), System.getenv());
            daemon.crew = Crew.restore(zone, daemon.store, brains(), System.getenv());
            daemon.triggers = Triggers.start(zone.root(), locations.taskJournal(zone).resolveSibling("triggers.json"),
                    Clock.systemDefaultZone(), Triggers.Target.of(daemon.crew));
            daemon.server = ZoneServer.start(locations.socket(zone), locations.socketRecord(zone), ownerUid, zone.id(),
                    limits, client -> new Requests(daemon, daemon.crew, client));
        } catch (IOException | RuntimeException e) {
            daemon.release();
            throw e;
        }
        LOG.info("serving zone " + zone.id() + " (" + zone.root() + ") on " + daemon.server.socket()
                + ", pid " + ProcessHandle.current().pid());
        Duration idleExit = null;
        String idle = System.getenv("KHLONE_IDLE_EXIT");
        if (idle != null && !idle.isBlank()) {
            // The client that started this daemon checked the value; one set by hand and wrong is said in the log.
            idleExit = Durations.parse(idle).orElse(null);
            if (idleExit == null) {
                LOG.warning("KHLONE_IDLE_EXIT=" + idle + " is not a duration (e.g. 30m): the daemon stays");
            }
        }
        daemon.departure = Departure.start(new Departure.Zone() {
            @Override
            public boolean stateIntact() {
                return daemon.lock.intact();
            }

            @Override
            public boolean rootExists() {
                return Files.isDirectory(zone.root());
            }

            @Override
            public boolean idle() {
                return daemon.server.clients() == 0 && daemon.crew.idle() && !daemon.triggers.any();
            }
        }, idleExit, daemon::stopSoon);
        return daemon;
    }

    /**
     * Before zone ids were keyed, the hash was SHA-256 of the root's path alone. A zone whose state
     * is still under that id, and has none under its keyed id, has it moved over once (under both
     * zones' locks), so an upgrade keeps the crew, queue and transcripts; the old log is kept as
     * {@code daemon-before-upgrade.log}. Not while a daemon of the old version still runs.
     */
    private static void adoptUnkeyedState(Zone zone, Locations locations) throws IOException {
        Path dir = locations.zoneDir(zone);
        String slug = zone.id().substring(0, zone.id().lastIndexOf('-'));
        Path old = dir.resolveSibling(slug + "-" + unkeyedHash(zone.root().toString()));
        if (!Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS) || Files.exists(locations.crewFile(zone))
                || Files.exists(locations.taskJournal(zone))) {
            return;
        }
        try (ZoneLock held = ZoneLock.acquire(old.resolve("daemon.lock"));
             Stream<Path> entries = Files.list(old)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                Path target = dir.resolve(name.equals("daemon.log") ? "daemon-before-upgrade.log" : name);
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (ZoneLock.AlreadyRunning e) {
            LOG.warning("this zone's state under its id before ids were keyed, " + old + ", is held by a daemon of"
                    + " an older khlone (" + e.getMessage() + "); starting without it. Stop that daemon"
                    + " (kill its pid) and restart this one to adopt it");
            return;
        }
        LOG.info("moved this zone's state from " + old + " (its id before ids were keyed) to " + dir
                + "; what is left there (locks, native libraries) may be removed");
    }

    private static String unkeyedHash(String path) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    Zone zone() {
        return zone;
    }

    Instant started() {
        return started;
    }

    Triggers triggers() {
        return triggers;
    }

    /** Stops serving, removes the socket, releases the zone. Safe to call more than once. */
    public synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.info("stopping");
        if (departure != null) {
            departure.close();
        }
        server.close();
        release();
        stopped.countDown();
        LOG.info("stopped");
    }

    private void release() {
        if (triggers != null) {
            triggers.close(); // no firing is half submitted to a crew that is going
        }
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
