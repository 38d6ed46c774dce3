package dev.khlone.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.security.auth.module.UnixSystem;
import dev.khlone.protocol.wire.ErrorReply;
import dev.khlone.protocol.wire.Hello;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Ok;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.StatusRequest;
import dev.khlone.protocol.wire.StopRequest;
import dev.khlone.protocol.wire.Welcome;
import dev.khlone.protocol.wire.ZoneStatus;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.junit.jupiter.api.io.TempDir;

/** The daemon in this JVM, spoken to over its real socket. */
class ZoneDaemonTest {
    private static final long ME = new UnixSystem().getUid();

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
            c.send(new Hello("1", Protocol.VERSION, "test"));
            assertThat(c.next()).isEqualTo(new Welcome("1", Protocol.VERSION, dev.khlone.protocol.Version.CURRENT, zone.id()));
            c.send(new StatusRequest("2", null));
            ZoneStatus status = (ZoneStatus) c.next();
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
            c.send(new Hello("1", Protocol.VERSION, "test")).next();
            c.send(new StopRequest("2"));
            assertThat(c.next()).isEqualTo(new Ok("2"));
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
    void aSymlinkAtTheSocketPathIsRefusedAndItsTargetLeftAlone() throws Exception {
        Path target = Files.writeString(tmp.resolve("precious"), "keep me");
        Files.createSymbolicLink(socket, target);
        assertThatThrownBy(() -> ZoneDaemon.start(zone, locations, ME))
                .hasMessageContaining("the socket path " + socket + " is a symbolic link");
        assertThat(Files.readString(target)).isEqualTo("keep me");
        assertThat(Files.isSymbolicLink(socket)).isTrue();
        assertThat(Files.readString(locations.daemonLock(zone))).as("the lock is released").isEmpty();
    }

    @Test
    void aPathOwnedByAnotherUserIsRefused() throws Exception {
        Files.writeString(socket, "");
        Files.setAttribute(socket, "unix:uid", 65534);
        assertThatThrownBy(() -> ZoneDaemon.start(zone, locations, ME))
                .hasMessageContaining(socket + " belongs to another user (uid 65534)");
        assertThat(socket).exists();
    }

    @Test
    void aRegularFileAtTheSocketPathIsRefused() throws Exception {
        Files.writeString(socket, "data");
        assertThatThrownBy(() -> ZoneDaemon.start(zone, locations, ME))
                .hasMessageContaining("exists and is not a socket");
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
    }

    @Test
    void aSocketSomeoneElseServesIsNotStolen() throws Exception {
        try (var live = org.newsclub.net.unix.AFUNIXServerSocket.newInstance()) {
            live.bind(org.newsclub.net.unix.AFUNIXSocketAddress.of(socket));
            assertThatThrownBy(() -> ZoneDaemon.start(zone, locations, ME))
                    .hasMessageContaining("another process is serving the socket " + socket);
        }
    }

    @Test
    void aPeerOfAnotherUidIsRefusedAndTheRefusalLogged() throws Exception {
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
            daemon = ZoneDaemon.start(zone, locations, ME + 4242);
            try (RawClient c = new RawClient(socket)) {
                assertThat(c.next()).as("closed without a word").isNull();
            }
            assertThat(log).anyMatch(m -> m.contains("refused connection") && m.contains("from uid " + ME));
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void eachMalformedInputGetsAnErrorOrAClosedConnectionWhileAWellBehavedClientIsServed() throws Exception {
        daemon = ZoneDaemon.start(zone, locations, ME);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread neighbour = new Thread(() -> {
            try (RawClient c = new RawClient(socket)) {
                c.send(new Hello("0", Protocol.VERSION, "neighbour")).next();
                for (int i = 1; !done.get(); i++) {
                    c.send(new StatusRequest(Integer.toString(i), null));
                    Message m = c.next();
                    if (!(m instanceof ZoneStatus) || !((ZoneStatus) m).re().equals(Integer.toString(i))) {
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
            ErrorReply unknown = (ErrorReply) c.next();
            assertThat(unknown.re()).isEqualTo("5");
            assertThat(unknown.message()).contains("unknown frame type 'teleport'");
            c.write("{\"type\":\"status\"}\n".getBytes(StandardCharsets.UTF_8));
            assertThat(((ErrorReply) c.next()).message()).contains("missing field 'id'");
            byte[] junk = new byte[4096];
            new Random(7).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                junk[i] = junk[i] == '\n' ? (byte) 'x' : junk[i];
            }
            c.write(junk).write(new byte[] {'\n'});
            codes.add(errorCode(c.next()));
            c.send(new StatusRequest("after-junk", null));
            assertThat(c.next()).as("the connection still works after bad frames").isInstanceOf(ZoneStatus.class);
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
            c.send(new Hello("1", Protocol.VERSION + 1, "khlone 9.9"));
            ErrorReply mismatch = (ErrorReply) c.next();
            assertThat(mismatch.code()).isEqualTo("protocol-mismatch");
            assertThat(mismatch.hint()).contains("khlone daemon restart");
            assertThat(c.next()).isNull();
        }

        try (RawClient c = new RawClient(socket)) {
            c.send(new StatusRequest("1", null));
            assertThat(((ErrorReply) c.next()).message()).contains("first frame must be 'hello'");
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
        daemon = ZoneDaemon.start(zone, locations, ME);
        assertThat(old).doesNotExist();
        assertThat(locations.zoneDir(zone).resolve("marker")).hasContent("from before");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locations.home().resolve("zones"))))
                .as("the list of zone ids is private").isEqualTo("rwx------");
        assertServed();
    }

    private RawClient hello() throws Exception {
        RawClient c = new RawClient(socket);
        assertThat(c.send(new Hello("h", Protocol.VERSION, "test")).next()).isInstanceOf(Welcome.class);
        return c;
    }

    private void assertServed() throws Exception {
        try (RawClient c = hello()) {
            assertThat(c.send(new StatusRequest("s", null)).next()).isInstanceOf(ZoneStatus.class);
        }
    }

    private static String errorCode(Message m) {
        assertThat(m).isInstanceOf(ErrorReply.class);
        return ((ErrorReply) m).code();
    }

}
