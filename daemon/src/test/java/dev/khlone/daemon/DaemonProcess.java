package dev.khlone.daemon;

import dev.khlone.protocol.Version;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.testkit.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real daemon in a JVM of its own, on this test's class path (the fake brain is found as a
 * plugin there), for tests that kill it with -9: what a daemon leaves behind when it dies
 * without a word — its brains still running, its records as they were — is then real, and the
 * test looks at the next daemon in-process.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path socket;

    private DaemonProcess(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /**
     * Starts {@code khlone daemon run} for {@code zone} and waits until it serves; {@code env} is
     * added to this JVM's environment (the fake brain's home, say), its log goes to {@code log}.
     */
    public static DaemonProcess start(Locations locations, Zone zone, Map<String, String> env, Path log) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Main.class.getName(), "--zone", zone.root().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("KHLONE_HOME", locations.home().toString());
        pb.environment().put("KHLONE_SOCKET_DIR", locations.socketDir().toString());
        DaemonProcess daemon = new DaemonProcess(pb.start(), locations.socket(zone));
        Await.until(WAIT, "the daemon to serve (its log: " + log + ")", () -> {
            if (!daemon.process.isAlive()) {
                throw new AssertionError("the daemon exited with " + daemon.process.exitValue() + "; its log: " + log);
            }
            return daemon.ask(new Request.Status("s", null)).isPresent();
        });
        return daemon;
    }

    public TaskInfo submit(String who, String prompt) {
        return submit(who, prompt, Placement.LAST);
    }

    public TaskInfo submit(String who, String prompt, Placement placement) {
        return answer(new Request.Submit("s", TaskMode.ACT, prompt, who, placement), Reply.Accepted.class).task();
    }

    /** Submits {@code prompt} to the hero and returns the task as the daemon reports its end, on the same connection. */
    public TaskInfo run(String prompt) throws Exception {
        try (RawClient c = new RawClient(socket)) {
            c.send(new Request.Hello("h", Protocol.VERSION, "test " + Version.CURRENT)).next();
            Reply.Accepted accepted = (Reply.Accepted) c.send(new Request.Submit("s", TaskMode.ACT, prompt, null, Placement.LAST)).next();
            return ((Reply.TaskEnded) c.send(new Request.Await("w", accepted.task().id())).next(WAIT)).task();
        }
    }

    public TaskInfo task(String id) {
        return answer(new Request.Task("q", id), Reply.TaskReport.class).task();
    }

    public List<CloneInfo> clones() {
        return answer(new Request.Status("s", null), Reply.ZoneStatus.class).clones();
    }

    /** Kills the daemon as {@code kill -9} would: its brains go on, nothing more is written. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private <T extends Message> T answer(Request request, Class<T> type) {
        Message reply = ask(request).orElseThrow(() -> new AssertionError("no answer to " + request));
        if (!type.isInstance(reply)) {
            throw new AssertionError("the daemon answered " + request + " with " + reply);
        }
        return type.cast(reply);
    }

    private Optional<Message> ask(Request request) {
        try (RawClient c = new RawClient(socket)) {
            c.send(new Request.Hello("h", Protocol.VERSION, "test " + Version.CURRENT));
            if (!(c.next() instanceof Reply.Welcome)) {
                return Optional.empty();
            }
            return Optional.ofNullable(c.send(request).next());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
