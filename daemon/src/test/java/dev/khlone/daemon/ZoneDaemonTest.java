package dev.khlone.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.security.auth.module.UnixSystem;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.daemon.server.ZoneServer;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.Await;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon in this JVM, spoken to over its real socket. */
class ZoneDaemonTest {
    private static final long ME = new UnixSystem().getUid();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    Zone zone;
    Locations locations;
    Path socket;
    ZoneDaemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        locations = new Locations(tmp.resolve("home"), Files.createDirectory(tmp.resolve("s")));
        zone = locations.zoneAt(Files.createDirectory(tmp.resolve("app")));
        socket = locations.socket(zone);
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    @Test
    void servesHelloAndStatusOnA0600Socket() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (RawClient c = new RawClient(socket)) {
            c.send(new Request.Hello("1", Protocol.VERSION, "test"));
            assertThat(c.next()).isEqualTo(new Reply.Welcome("1", Protocol.VERSION, dev.khlone.protocol.Version.CURRENT, zone.id()));
            c.send(new Request.Status("2", null));
            Reply.ZoneStatus status = (Reply.ZoneStatus) c.next();
            assertThat(status.re()).isEqualTo("2");
            assertThat(status.root()).isEqualTo(zone.root().toString());
            assertThat(status.pid()).isEqualTo(ProcessHandle.current().pid());
        }
        assertThat(Files.readString(locations.daemonLock(zone)).trim()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void stopAnswersThenRemovesTheSocketAndReleasesTheZone() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        try (RawClient c = new RawClient(socket)) {
            c.send(new Request.Hello("1", Protocol.VERSION, "test")).next();
            c.send(new Request.Stop("2"));
            assertThat(c.next()).isEqualTo(new Reply.Ok("2"));
            assertThat(c.next()).as("connection closed after the answer").isNull();
        }
        daemon.awaitStopped();
        assertThat(socket).doesNotExist();
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertThat(socket).exists();
    }

    @Test
    void aSecondDaemonForTheSameZoneIsRefusedAndTheFirstKeepsServing() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertThatThrownBy(() -> ZoneDaemon.start(zone, locations, ME))
                .hasMessageContaining("a daemon is already running for this zone (pid " + ProcessHandle.current().pid() + ")");
        assertServed();
    }

    @Test
    void aSymlinkAtTheSocketPathIsLeftAloneAndTheZoneServedOnAFreshNameItsRecordNames() throws Exception {
        Path target = Files.writeString(tmp.resolve("precious"), "keep me");
        Files.createSymbolicLink(socket, target);
        daemon = ZoneDaemon.start(zone, locations, ME);
        Path fresh = recordedSocket();
        assertThat(fresh.getFileName().toString()).matches("khlone-zone-" + zone.id() + "-[0-9a-f]{8}\\.sock");
        assertThat(fresh.getParent()).isEqualTo(socket.getParent());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locations.socketRecord(zone))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(target)).isEqualTo("keep me");
        assertThat(Files.isSymbolicLink(socket)).isTrue();
        assertServed(fresh);

        daemon.stop();
        assertThat(fresh).doesNotExist();
        assertThat(locations.socketRecord(zone)).as("the record goes with the socket").doesNotExist();
        assertThat(Files.isSymbolicLink(socket)).isTrue();
    }

    @Test
    void aFileOfAnotherUserAtThePathCannotKeepTheZoneFromRunning() throws Exception {
        Files.writeString(socket, "");
        Files.setAttribute(socket, "unix:uid", 65534);
        List<String> log = capture(() -> daemon = ZoneDaemon.start(zone, locations, ME));
        Path fresh = recordedSocket();
        assertThat(log).anyMatch(m -> m.contains(socket + " belongs to another user (uid 65534)")
                && m.contains("serving on " + fresh + " instead"));
        assertServed(recordedSocket());
        assertThat(socket).exists();
        assertThat((Integer) Files.getAttribute(socket, "unix:uid")).isEqualTo(65534);
    }

    @Test
    void aRegularFileAtTheSocketPathIsKeptAndTheZoneServedElsewhere() throws Exception {
        Files.writeString(socket, "data");
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertServed(recordedSocket());
        assertThat(Files.readString(socket)).isEqualTo("data");
    }

    @Test
    void aDeadSocketIsTakenOver() throws Exception {
        try (var dead = org.newsclub.net.unix.AFUNIXServerSocket.newInstance()) {
            dead.setDeleteOnClose(false);
            dead.bind(org.newsclub.net.unix.AFUNIXSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertServed();
        assertThat(locations.socketRecord(zone)).doesNotExist();
    }

    @Test
    void aSocketSomeoneElseServesIsNotStolen() throws Exception {
        try (var live = org.newsclub.net.unix.AFUNIXServerSocket.newInstance()) {
            live.bind(org.newsclub.net.unix.AFUNIXSocketAddress.of(socket));
            daemon = ZoneDaemon.start(zone, locations, ME);
            assertServed(recordedSocket());
            try (var theirs = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                theirs.connect(UnixDomainSocketAddress.of(socket));
                assertThat(live.accept()).as("the other server still has its socket").isNotNull();
            }
        }
    }

    @Test
    void theFreshNameOfADaemonThatWasKilledIsClearedAndThePublicPathUsedOnceFree() throws Exception {
        Files.writeString(socket, "in the way");
        daemon = ZoneDaemon.start(zone, locations, ME);
        Path fresh = recordedSocket();
        daemon.stop();
        // as a kill -9 leaves it: the record and a dead socket at the fresh name
        try (var dead = org.newsclub.net.unix.AFUNIXServerSocket.newInstance()) {
            dead.setDeleteOnClose(false);
            dead.bind(org.newsclub.net.unix.AFUNIXSocketAddress.of(fresh));
        }
        Files.writeString(locations.socketRecord(zone), fresh + "\n");
        Files.delete(socket);

        daemon = ZoneDaemon.start(zone, locations, ME);
        assertThat(fresh).doesNotExist();
        assertThat(locations.socketRecord(zone)).doesNotExist();
        assertServed();
    }

    @Test
    void aDeletedSocketIsRecreatedUnderTheLockAndServedAgain() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        try (RawClient before = hello()) {
            Files.delete(socket);
            awaitServed(socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            before.send(new Request.Status("still", null));
            assertThat(before.next()).as("a connection made before keeps working").isInstanceOf(Reply.ZoneStatus.class);
        }
    }

    @Test
    void aSocketDeletedAndReplacedByAnotherUsersFileMovesTheDaemonToAFreshName() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        Files.delete(socket);
        Files.writeString(socket, "");
        Files.setAttribute(socket, "unix:uid", 65534);
        Await.until(WAIT, "the daemon to record the fresh name of its socket", () -> Files.exists(locations.socketRecord(zone)));
        assertServed(recordedSocket());
    }

    @Test
    void aPeerOfAnotherUidIsRefusedAndTheRefusalLogged() throws Exception {
        List<String> log = capture(() -> {
            daemon = ZoneDaemon.start(zone, locations, ME + 4242);
            try (RawClient c = new RawClient(socket)) {
                assertThat(c.next()).as("closed without a word").isNull();
            }
        });
        assertThat(log).anyMatch(m -> m.contains("refused connection") && m.contains("from uid " + ME));
    }

    @Test
    void thousandsOfSilentConnectionsHoldBoundedThreadsAndAClientThatSaysHelloIsStillServed() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        int before = sessionThreads();
        List<SocketChannel> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 1500; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                silent.add(c);
                c.connect(UnixDomainSocketAddress.of(socket));
            }
            assertServed();
            // the threads of connections dropped to make room may take a moment to end
            int bound = before + 2 * (ZoneServer.Limits.DEFAULT.connections() + 1);
            Await.until(WAIT, "at most two session threads per connection, at most 256 connections",
                    () -> sessionThreads() <= bound);
        } finally {
            for (SocketChannel c : silent) {
                c.close();
            }
        }
    }

    @Test
    void aClientThatNeverSaysHelloIsDroppedButOneThatSaidHelloMayWaitQuietly() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME, new ZoneServer.Limits(8, Duration.ofMillis(300), Duration.ofSeconds(60)));
        try (RawClient quiet = hello(); RawClient silent = new RawClient(socket)) {
            assertThat(silent.next(Duration.ofSeconds(5))).as("closed on the silent client").isNull();
            Thread.sleep(600); // the scenario: silent past the hello timeout, the greeted client must not be dropped for it
            assertThat(quiet.send(new Request.Status("later", null)).next()).isInstanceOf(Reply.ZoneStatus.class);
        }
    }

    @Test
    void aClientPastTheConnectionLimitIsToldTheDaemonIsBusy() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME, new ZoneServer.Limits(2, Duration.ofSeconds(5), Duration.ofSeconds(60)));
        try (RawClient a = hello(); RawClient b = hello(); RawClient refused = new RawClient(socket)) {
            try {
                refused.send(new Request.Hello("1", Protocol.VERSION, "test"));
            } catch (IOException brokenPipe) {
                // the daemon may have said why and closed before our hello went out (as khlone expects)
            }
            Reply.Error busy = (Reply.Error) refused.next();
            assertThat(busy.code()).isEqualTo("busy");
            assertThat(busy.message()).isEqualTo("the zone daemon serves 2 connections already");
            try {
                assertThat(refused.next()).as("the connection ends").isNull();
            } catch (java.net.SocketException reset) {
                // closed with our hello unread: the kernel reports that as a reset, also an end
            }
            assertThat(a.send(new Request.Status("a", null)).next()).isInstanceOf(Reply.ZoneStatus.class);
        }
        awaitServed(socket); // once the daemon has seen those two go
    }

    @Test
    @Timeout(60)
    void aClientThatStopsReadingWhileItsRepliesPileUpIsDropped() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME, new ZoneServer.Limits(8, Duration.ofSeconds(5), Duration.ofMillis(500)));
        int before = sessionThreads();
        List<String> log = capture(() -> {
            try (RawClient greedy = hello()) {
                byte[] request = dev.khlone.protocol.wire.Codec.encode(new Request.Status("x", null));
                byte[] many = new byte[request.length * 1000];
                for (int i = 0; i < 1000; i++) {
                    System.arraycopy(request, 0, many, i * request.length, request.length);
                }
                try {
                    // never reads: the replies fill the socket, then the daemon's queue for it
                    for (int i = 0; i < 200; i++) {
                        greedy.write(many);
                    }
                } catch (IOException dropped) {
                    // the daemon may close on us while we write
                }
                Await.until(WAIT, "the stuck session's threads to end", () -> sessionThreads() <= before);
            }
        });
        assertThat(sessionThreads()).as("the stuck session's threads are gone").isEqualTo(before);
        assertThat(log).anyMatch(m -> m.contains("has not read its replies"));
        assertServed();
    }

    @Test
    void eachMalformedInputGetsAnErrorOrAClosedConnectionWhileAWellBehavedClientIsServed() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread neighbour = new Thread(() -> {
            try (RawClient c = new RawClient(socket)) {
                c.send(new Request.Hello("0", Protocol.VERSION, "neighbour")).next();
                for (int i = 1; !done.get(); i++) {
                    c.send(new Request.Status(Integer.toString(i), null));
                    Message m = c.next();
                    if (!(m instanceof Reply.ZoneStatus) || !((Reply.ZoneStatus) m).re().equals(Integer.toString(i))) {
                        throw new AssertionError("neighbour got " + m);
                    }
                    served.incrementAndGet();
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        neighbour.start();

        List<String> codes = new ArrayList<>();
        try (RawClient c = hello()) {
            c.write("this is not json\n".getBytes(StandardCharsets.UTF_8));
            codes.add(errorCode(c.next()));
            c.write("{\"type\":\"teleport\",\"id\":\"5\"}\n".getBytes(StandardCharsets.UTF_8));
            Reply.Error unknown = (Reply.Error) c.next();
            assertThat(unknown.re()).isEqualTo("5");
            assertThat(unknown.message()).contains("unknown frame type 'teleport'");
            c.write("{\"type\":\"status\"}\n".getBytes(StandardCharsets.UTF_8));
            assertThat(((Reply.Error) c.next()).message()).contains("missing field 'id'");
            byte[] junk = new byte[4096];
            new Random(7).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                junk[i] = junk[i] == '\n' ? (byte) 'x' : junk[i];
            }
            c.write(junk).write(new byte[] {'\n'});
            codes.add(errorCode(c.next()));
            c.send(new Request.Status("after-junk", null));
            assertThat(c.next()).as("the connection still works after bad frames").isInstanceOf(Reply.ZoneStatus.class);
        }
        assertThat(codes).containsOnly("bad-request");

        try (RawClient c = hello()) {
            byte[] mib = new byte[1 << 20];
            java.util.Arrays.fill(mib, (byte) 'a');
            try {
                for (int i = 0; i < 3; i++) {
                    c.write(mib);
                }
            } catch (IOException closedOnUs) {
                // the daemon may close before we finish sending
            }
            Message m = c.next();
            assertThat(errorCode(m)).isEqualTo("frame-too-large");
        }

        try (RawClient c = hello()) {
            c.write("{\"type\":\"status\",\"id\":".getBytes(StandardCharsets.UTF_8));
        }

        try (RawClient c = new RawClient(socket)) {
            c.send(new Request.Hello("1", Protocol.VERSION + 1, "khlone 9.9"));
            Reply.Error mismatch = (Reply.Error) c.next();
            assertThat(mismatch.code()).isEqualTo("protocol-mismatch");
            assertThat(mismatch.hint()).isEqualTo("restart the daemon with the khlone you are running: khlone daemon restart");
            assertThat(c.next()).isNull();
        }

        // A khlone from before the request families (protocol 1: submit with first/disrupt) is told, not misread.
        try (RawClient c = new RawClient(socket)) {
            c.write("{\"type\":\"hello\",\"id\":\"1\",\"protocol\":1,\"client\":\"khlone 0.1.0\"}\n"
                    .getBytes(StandardCharsets.UTF_8));
            Reply.Error old = (Reply.Error) c.next();
            assertThat(old.code()).isEqualTo("protocol-mismatch");
            assertThat(old.message()).contains("this client (khlone 0.1.0) speaks protocol 1");
            assertThat(old.hint()).as("not advice that would downgrade the daemon unasked")
                    .isEqualTo("this khlone is older than the daemon: run the newer khlone, or, to go back to this one, khlone daemon restart");
        }

        try (RawClient c = new RawClient(socket)) {
            c.send(new Request.Status("1", null));
            assertThat(((Reply.Error) c.next()).message()).contains("first frame must be 'hello'");
            assertThat(c.next()).isNull();
        }

        int before = served.get();
        assertServed();
        done.set(true);
        neighbour.join(10_000);
        assertThat(failures).isEmpty();
        assertThat(served.get()).isGreaterThan(before).isPositive();
    }

    @Test
    void stateKeptUnderTheUnkeyedIdOfEarlierVersionsIsMovedToTheKeyedIdOnce() throws Exception {
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                .digest(zone.root().toString().getBytes(StandardCharsets.UTF_8));
        Path old = Files.createDirectories(locations.home().resolve("zones/app-" + java.util.HexFormat.of().formatHex(sha, 0, 4)));
        Files.writeString(old.resolve("marker"), "from before");
        Files.writeString(old.resolve("daemon.log"), "old log");
        // a client makes the zone dir (for its start lock) before it starts the daemon
        Files.createDirectories(locations.zoneDir(zone));
        Files.writeString(locations.startLock(zone), "");
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertThat(old.resolve("marker")).doesNotExist();
        assertThat(locations.zoneDir(zone).resolve("marker")).hasContent("from before");
        assertThat(locations.zoneDir(zone).resolve("daemon-before-upgrade.log")).hasContent("old log");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locations.home().resolve("zones"))))
                .as("the list of zone ids is private").isEqualTo("rwx------");
        assertServed();
    }

    private RawClient hello() throws Exception {
        return hello(socket);
    }

    private static RawClient hello(Path socket) throws Exception {
        RawClient c = new RawClient(socket);
        assertThat(c.send(new Request.Hello("h", Protocol.VERSION, "test")).next()).isInstanceOf(Reply.Welcome.class);
        return c;
    }

    private void assertServed() throws Exception {
        assertServed(socket);
    }

    private static void assertServed(Path socket) throws Exception {
        try (RawClient c = hello(socket)) {
            assertThat(c.send(new Request.Status("s", null)).next()).isInstanceOf(Reply.ZoneStatus.class);
        }
    }

    /** Waits until a client is served at {@code socket}. */
    private static void awaitServed(Path socket) {
        Await.until(WAIT, "a client to be served at " + socket, () -> {
            assertServed(socket);
            return true;
        });
    }

    private static int sessionThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("session-") && t.isAlive()).count();
    }

    private Path recordedSocket() throws IOException {
        return Path.of(Files.readString(locations.socketRecord(zone)).trim());
    }

    interface Action {
        void run() throws Exception;
    }

    /** What the daemon's server logged while {@code action} ran. */
    private static List<String> capture(Action action) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                log.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("dev.khlone.daemon.server");
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
        }
        return log;
    }

    private static String errorCode(Message m) {
        assertThat(m).isInstanceOf(Reply.Error.class);
        return ((Reply.Error) m).code();
    }

}
