package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Protocol;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The zone daemon as a user meets it, through the installed {@code khlone} command. */
class DaemonLifecycleIT {
    private static final Pattern PID = Pattern.compile("pid (\\d+)");

    KhloneHarness khlone;
    Path dir;
    Zone zone;

    @BeforeEach
    void setUp() {
        khlone = new KhloneHarness();
        dir = khlone.newDirectory("app");
        zone = khlone.zone(dir);
    }

    @AfterEach
    void tearDown() {
        khlone.close();
    }

    @Test
    void statusStartsTheDaemonASecondCallReusesItAndStopRemovesTheSocket() {
        Result first = khlone.run(dir, "status");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("zone    " + zone.id() + "  " + dir.toAbsolutePath());
        long pid = pid(first.out());
        assertThat(KhloneHarness.running(pid)).isTrue();

        Result second = khlone.run(dir, "status");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(pid(second.out())).as("the same daemon serves the second call").isEqualTo(pid);

        Path socket = khlone.locations().socket(zone);
        assertThat(socket).exists();
        Result stop = khlone.run(dir, "daemon", "stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(stop.out()).contains("stopped the daemon of zone " + zone.id() + " (pid " + pid + ")");
        assertThat(KhloneHarness.running(pid)).isFalse();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(khlone.locations().daemonLog(zone)).content().contains("serving zone " + zone.id()).contains("stopped");
    }

    @Test
    void aSubdirectoryOfAGitWorktreeBelongsToTheWorktreesZone() throws Exception {
        Files.createDirectory(dir.resolve(".git"));
        Path deep = Files.createDirectories(dir.resolve("src/main"));
        Result r = khlone.run(deep, "status", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"id\" : \"" + zone.id() + "\"").contains("\"root\" : \"" + dir + "\"");
    }

    @Test
    void fiveStatusCallsAtOnceStartExactlyOneDaemonAndAllGetAnAnswer() throws Exception {
        List<Process> clients = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Path out = khlone.root().resolve("out-" + i);
            outputs.add(out);
            clients.add(khlone.command(dir, "status").redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start());
        }
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertThat(clients.get(i).waitFor()).as(Files.readString(outputs.get(i))).isZero();
            pids.add(pid(Files.readString(outputs.get(i))));
        }
        assertThat(pids).hasSize(5).containsOnly(pids.get(0));
        assertThat(KhloneHarness.daemonProcesses(zone)).extracting(ProcessHandle::pid).containsExactly(pids.get(0));
    }

    @Test
    void afterKillMinus9TheNextCommandTakesOverTheStaleSocketWithANewDaemon() {
        long pid = pid(khlone.run(dir, "status").out());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThat(KhloneHarness.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
        Path socket = khlone.locations().socket(zone);
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("a killed daemon leaves its socket").isTrue();

        Result r = khlone.run(dir, "status");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        long next = pid(r.out());
        assertThat(next).isNotEqualTo(pid);
        assertThat(khlone.locations().daemonLog(zone)).content().contains("taking over the dead socket " + socket);
    }

    @Test
    void sigtermStopsTheDaemonInOrder() {
        long pid = pid(khlone.run(dir, "status").out());
        ProcessHandle.of(pid).orElseThrow().destroy();
        assertThat(KhloneHarness.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
        assertThat(Files.exists(khlone.locations().socket(zone), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(khlone.locations().daemonLog(zone)).content().contains("stopped");
        Result again = khlone.run(dir, "daemon", "status");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.out()).contains("no daemon is running for zone " + zone.id());
    }

    @Test
    void theStartedDaemonHasItsOwnSessionAndNoTerminalInput() throws Exception {
        long pid = pid(khlone.run(dir, "status").out());
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(Long.parseLong(fields[3])).as("session id: setsid made the daemon a session leader").isEqualTo(pid);
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0"))).isEqualTo(Path.of("/dev/null"));
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/1"))).isEqualTo(khlone.locations().daemonLog(zone));
    }

    @Test
    void theStartedDaemonDoesNotIgnoreCtrlCSoNeitherDoItsBrainsAndTheirTools() throws Exception {
        // Started from where SIGINT and SIGTERM are ignored (nohup, a shell's background job, cron):
        ProcessBuilder ignoring = new ProcessBuilder("sh", "-c", "trap '' INT TERM; exec \"$@\"", "khlone",
                khlone.launcher().toString(), "status").directory(dir.toFile());
        ignoring.environment().putAll(khlone.env());
        long pid = pid(KhloneHarness.run(ignoring).out());
        String ignored = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).trim();
        // What a process ignores, the processes it starts ignore too: a brain's tool would not stop on ctrl-c.
        assertThat(Long.parseUnsignedLong(ignored, 16) & (1L << (2 - 1))).as("SIGINT in the daemon's ignored set %s", ignored)
                .isZero();
        assertThat(Long.parseUnsignedLong(ignored, 16) & (1L << (15 - 1))).as("SIGTERM in the daemon's ignored set %s", ignored)
                .isZero();
    }

    @Test
    void theSocketIsPrivateAndAnotherUserCannotEvenFindIt() throws Exception {
        long pid = pid(khlone.run(dir, "status").out());
        Path socket = khlone.locations().socket(zone);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        Path key = khlone.locations().home().resolve("zone.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        khlone.openToOthers();
        Result refused = KhloneHarness.run(asNobody("status", "--zone", dir.toString()));
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("khlone: cannot read or create the zone key " + key + ": permission denied");
        assertThat(KhloneHarness.daemonProcesses(zone)).extracting(ProcessHandle::pid).containsExactly(pid);
        assertThat(pid(khlone.run(dir, "status").out())).isEqualTo(pid);
    }

    @Test
    void aStateDirectoryItsUserCannotReadIsSaidSoByEveryCommandWithoutAStackTrace() throws Exception {
        khlone.openToOthers();
        Path home = Files.createDirectory(khlone.root().resolve("home-of-nobody"));
        Files.setOwner(home, home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Result first = KhloneHarness.run(asNobody(home, "log", "--zone", dir.toString()));
        Matcher made = Pattern.compile("no transcripts yet in zone (\\S+):").matcher(first.out());
        assertThat(made.find()).as(first.toString()).isTrue();
        // The zone's state, made by someone else (root, here) and kept private, as a sudo run would leave it.
        Path transcripts = Files.createDirectories(home.resolve("zones").resolve(made.group(1)).resolve("transcripts"));
        Files.setPosixFilePermissions(transcripts, PosixFilePermissions.fromString("rwx------"));

        Result log = KhloneHarness.run(asNobody(home, "log", "--zone", dir.toString()));
        assertThat(log.exitCode()).as(log.toString()).isEqualTo(1);
        assertThat(log.err()).isEqualTo("khlone: cannot read the transcripts in " + transcripts + ": permission denied\n"
                + "  hint: check that KHLONE_HOME (" + home + ") and what is in it are yours\n");
        for (List<String> command : List.of(List.of("log", "-f"), List.of("status"), List.of("act", "x"),
                List.of("watch"), List.of("cancel", "t-1"), List.of("daemon", "start"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--zone", dir.toString()));
            Result r = KhloneHarness.run(asNobody(home, args.toArray(String[]::new)));
            assertThat(r.exitCode()).as(r.toString()).isNotZero();
            assertThat(r.err()).as(r.toString()).startsWith("khlone: ").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void aListenerOfAnotherUserAtTheSocketPathIsNeverConnectedToAndTheZoneRunsElsewhere() throws Exception {
        Path socket = khlone.locations().socket(zone);
        try (Listener listener = listenAsNobody(socket)) {
            // (StormIT's foreign-socket storm sends a real prompt past such a listener.)
            Result status = khlone.run(dir, "status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            Path fresh = Path.of(Files.readString(khlone.locations().socketRecord(zone)).trim());
            assertThat(fresh).isNotEqualTo(socket);
            assertThat(status.out()).contains("socket  " + fresh + " (moved: the socket " + socket
                    + " belongs to user nobody (uid 65534), not to you)");
            assertThat(khlone.locations().daemonLog(zone)).content()
                    .contains(socket + " belongs to another user (uid 65534); serving on " + fresh + " instead");

            assertThat(listener.heard).as("the other user's listener was never even connected to").containsExactly("listening");
        }
    }

    @Test
    void aProcessOfAnotherUserBehindASocketFileOfOursGetsNotAByte() throws Exception {
        Path socket = khlone.locations().socket(zone);
        try (Listener listener = listenAsNobody(socket)) {
            // the file passes as ours (as root could make it): only the peer's credentials tell
            Files.setAttribute(socket, "unix:uid", 0);
            Result status = khlone.run(dir, "status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            Path fresh = Path.of(Files.readString(khlone.locations().socketRecord(zone)).trim());
            assertThat(fresh).as("the zone runs on a fresh name").isNotEqualTo(socket);
            Await.until(Duration.ofSeconds(10), "each connection to the other user's listener to end",
                    () -> listener.heard.stream().filter("end"::equals).count() >= listener.heard.stream().filter("connection"::equals).count());
            assertThat(listener.heard).as("connected to, then closed on without a byte").contains("connection")
                    .allMatch(line -> List.of("listening", "connection", "end").contains(line));
        }
    }

    /** A unix socket served by node as user nobody, in a socket dir that is like /tmp; what it heard, line by line. */
    private Listener listenAsNobody(Path socket) throws Exception {
        khlone.openToOthers();
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(new ProcessBuilder("chmod", "+t", socket.getParent().toString()).start().waitFor()).isZero();
        Process node = new ProcessBuilder("runuser", "-u", "nobody", "--", "node", "-e",
                "const net = require('net');"
                        + "net.createServer(c => { console.log('connection');"
                        + " c.on('data', d => console.log('data ' + d.length)); c.on('end', () => console.log('end')); })"
                        + ".listen(process.argv[1], () => console.log('listening'));",
                socket.toString()).redirectErrorStream(true).start();
        Listener listener = new Listener(node);
        Await.until(Duration.ofSeconds(30), "node to listen as nobody", () -> !listener.heard.isEmpty());
        assertThat(listener.heard).containsExactly("listening");
        return listener;
    }

    private static final class Listener implements AutoCloseable {
        final List<String> heard = new CopyOnWriteArrayList<>();
        private final Process process;

        Listener(Process process) {
            this.process = process;
            Thread hearing = new Thread(() -> {
                try {
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                            .lines().forEach(heard::add);
                } catch (UncheckedIOException closedAtTheEnd) {
                    // the listener is gone
                }
            });
            hearing.setDaemon(true);
            hearing.start();
        }

        /** Ends node too: runuser's child, which killing runuser alone leaves running as nobody. */
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void aSymlinkPlantedAtTheSocketPathIsLeftAloneAndTheZoneServedOnAFreshName() throws Exception {
        Path target = Files.writeString(khlone.root().resolve("precious.txt"), "do not touch");
        Path socket = khlone.locations().socket(zone);
        Files.createSymbolicLink(socket, target);

        Result r = khlone.run(dir, "status");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path fresh = Path.of(Files.readString(khlone.locations().socketRecord(zone)).trim());
        assertThat(r.out()).contains("socket  " + fresh);
        assertThat(Files.readString(target)).isEqualTo("do not touch");
        assertThat(Files.isSymbolicLink(socket)).isTrue();

        Result stop = khlone.run(dir, "daemon", "stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(fresh).doesNotExist();
        assertThat(Files.isSymbolicLink(socket)).isTrue();
    }

    @Test
    void aDeletedSocketComesBackAndTheSameDaemonAnswers() throws Exception {
        long pid = pid(khlone.run(dir, "status").out());
        Path socket = khlone.locations().socket(zone);
        Files.delete(socket);
        Await.until(Duration.ofSeconds(5), "the daemon to make its socket again", () -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        Result again = khlone.run(dir, "status");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(pid(again.out())).isEqualTo(pid);
        assertThat(khlone.locations().daemonLog(zone)).content().contains("the socket " + socket + " was deleted or replaced");
    }

    @Test
    void aDaemonThatHoldsTheZoneButDoesNotAnswerIsReportedAndStopped() {
        long pid = pid(khlone.run(dir, "daemon", "start").out());
        // a client that looks elsewhere (another KHLONE_SOCKET_DIR) finds no socket, but the zone lock is held
        khlone.env().put("KHLONE_SOCKET_DIR", khlone.root().resolve("elsewhere").toString());
        Result status = khlone.run(dir, "daemon", "status");
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.err()).contains("khlone: the daemon of zone " + zone.id() + " (pid " + pid
                + ") holds the zone but does not answer on its socket").contains("hint: restart it: khlone daemon restart");

        Result stop = khlone.run(dir, "daemon", "stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(stop.out()).contains("stopped the daemon of zone " + zone.id() + " (pid " + pid
                + "), which did not answer on its socket, with SIGTERM");
        assertThat(KhloneHarness.running(pid)).isFalse();
        assertThat(khlone.locations().daemonLog(zone)).content().contains("stopped");
    }

    @Test
    void manyIdleConnectionsHoldBoundedThreadsStatusStillAnswersAndAClientPastTheLimitIsToldWhy() throws Exception {
        long pid = pid(khlone.run(dir, "status").out());
        Path socket = khlone.locations().socket(zone);
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                idle.add(c);
                c.connect(UnixDomainSocketAddress.of(socket));
            }
            Result status = khlone.run(dir, "status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            // the threads of connections dropped to make room may take a moment to end
            Await.value(Duration.ofSeconds(10), "the daemon's threads to be fewer than 2 a connection (256 of them) and 100 more",
                    () -> threads(pid), threads -> threads < 2 * 256 + 100);
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
        // clients that said hello may stay as long as they like: 256 of them fill the daemon
        List<SocketChannel> greeted = new ArrayList<>();
        try {
            for (int i = 0; i < 256; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                greeted.add(c);
                c.connect(UnixDomainSocketAddress.of(socket));
                c.write(ByteBuffer.wrap(Codec.encode(new Request.Hello("1", Protocol.VERSION, "idle"))));
                assertThat(firstLine(c)).contains("\"type\":\"welcome\"");
            }
            Result busy = khlone.run(dir, "status");
            assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(3);
            assertThat(busy.err()).contains("khlone: the zone daemon serves 256 connections already")
                    .contains("hint: close some");
        } finally {
            for (SocketChannel c : greeted) {
                c.close();
            }
        }
        Await.value(Duration.ofSeconds(10), "status to answer once the greeted clients are gone", () -> khlone.run(dir, "status"),
                after -> after.exitCode() == 0);
    }

    private ProcessBuilder asNobody(Path home, String... args) {
        ProcessBuilder pb = asNobody(args);
        pb.environment().put("KHLONE_HOME", home.toString());
        return pb;
    }

    private ProcessBuilder asNobody(String... args) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "nobody", "--", khlone.launcher().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile());
        pb.environment().putAll(khlone.env());
        return pb;
    }

    private static String firstLine(SocketChannel c) throws Exception {
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder line = new StringBuilder();
        while (c.read(one.clear()) == 1 && one.get(0) != '\n') {
            line.append((char) one.get(0));
        }
        return line.toString();
    }

    private static int threads(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new AssertionError("no thread count for pid " + pid);
    }

    @Test
    void daemonStartStatusRestartAndStopSayWhatTheyDid() {
        Result notRunning = khlone.run(dir, "daemon", "status");
        assertThat(notRunning.exitCode()).isEqualTo(3);
        Result stopIdle = khlone.run(dir, "daemon", "stop");
        assertThat(stopIdle.exitCode()).isZero();
        assertThat(stopIdle.out()).contains("no daemon is running for zone " + zone.id());

        Result start = khlone.run(dir, "daemon", "start");
        assertThat(start.out()).as(start.toString()).startsWith("started the daemon of zone " + zone.id());
        long pid = pid(start.out());
        Result again = khlone.run(dir, "daemon", "start");
        assertThat(again.out()).startsWith("already running: the daemon of zone " + zone.id() + " (pid " + pid + ")");
        Result status = khlone.run(dir, "daemon", "status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("is running: pid " + pid);

        Result restart = khlone.run(dir, "daemon", "restart");
        assertThat(restart.exitCode()).as(restart.toString()).isZero();
        assertThat(restart.out()).contains("stopped the daemon of zone " + zone.id() + " (pid " + pid + ")")
                .contains("started the daemon of zone " + zone.id());
        assertThat(KhloneHarness.running(pid)).isFalse();
        assertThat(KhloneHarness.daemonProcesses(zone)).hasSize(1);
    }

    @Test
    void daemonRunServesInTheForegroundUntilSigterm() throws Exception {
        Path log = khlone.root().resolve("foreground.log");
        Process fg = khlone.command(dir, "daemon", "run").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path socket = khlone.locations().socket(zone);
        Await.until(Duration.ofSeconds(30), "the foreground daemon to make its socket", () -> Files.exists(socket));
        Result status = khlone.run(dir, "daemon", "status");
        assertThat(status.exitCode()).as(status + Files.readString(log)).isZero();
        long pid = pid(status.out());
        assertThat(Files.readString(log)).contains("serving zone " + zone.id());

        fg.destroy();
        assertThat(fg.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(KhloneHarness.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aZoneThatIsNotADirectoryIsAUsageErrorAndStartsNothing() {
        Result r = khlone.run(dir, "status", "--zone", dir.resolve("nope").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("khlone: --zone " + dir.resolve("nope") + ": zone root")
                .contains("is not a directory").contains("hint: name an existing directory");
        assertThat(khlone.locations().home().resolve("zones")).doesNotExist();
    }

    @Test
    void aDaemonThatDoesNotComeUpInTimeIsReportedWithItsLog() {
        khlone.env().put("KHLONE_START_TIMEOUT", "0");
        Result r = khlone.run(dir, "status");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("khlone: the zone daemon did not come up within 0 s")
                .contains("hint: see its log: " + khlone.locations().daemonLog(zone));
    }

    @Test
    void aBrainPathThatDoesNotExistStopsStartUpWithAClearMessage() {
        khlone.env().put("KHLONE_BRAIN_PATH", dir.resolve("no-such-brains.jar").toString());
        Result r = khlone.run(dir, "status");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("khlone: the zone daemon failed to start: KHLONE_BRAIN_PATH names "
                + dir.resolve("no-such-brains.jar") + ", which does not exist");
        assertThat(KhloneHarness.daemonProcesses(zone)).isEmpty();
    }

    @Test
    void aDaemonThatDiesAtOnceIsReportedWithItsReasonNotAfterTheStartTimeout() throws Exception {
        Path state = khlone.locations().zoneDir(zone);
        Files.createDirectories(state.resolve("tasks.jsonl")); // the journal cannot be opened: the daemon exits at once
        khlone.env().put("KHLONE_START_TIMEOUT", "600"); // a client that missed the death would wait out the test's own timeout
        Result r = khlone.run(dir, "status");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("khlone: the zone daemon failed to start: the zone's state directory " + state
                        + " is not writable").contains("tasks.jsonl: Is a directory")
                .contains("hint: its log is " + khlone.locations().daemonLog(zone));
        assertThat(KhloneHarness.daemonProcesses(zone)).isEmpty();
    }

    @Test
    void aStartTimeoutThatIsNotANumberIsAUsageErrorAndStartsNothing() {
        khlone.env().put("KHLONE_START_TIMEOUT", "soon");
        Result r = khlone.run(dir, "status");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("khlone: KHLONE_START_TIMEOUT=soon is not a number of seconds");
        assertThat(KhloneHarness.daemonProcesses(zone)).isEmpty();
    }

    private static long pid(String out) {
        Matcher m = PID.matcher(out);
        assertThat(m.find()).as("a pid in: " + out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
