package dev.khlone.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.security.auth.module.UnixSystem;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.Message;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.Protocol;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw watchers of a brain that writes a lot, over the daemon's real socket: each sees how the turn ended. */
class WatchFloodTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int FLOOD = 20_000_000;
    /** The last line of the flood's turn, as the fake brain writes it. */
    private static final String END = "{\"type\":\"done\",\"result\":\"flooded " + FLOOD / 1024 + " events\"";

    @TempDir
    Path tmp;
    ZoneDaemon daemon;
    Path socket;
    final List<RawClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Locations locations = new Locations(tmp.resolve("home"), Files.createDirectory(tmp.resolve("s")));
        Path root = Files.createDirectory(tmp.resolve("app"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\n");
        Zone zone = locations.zoneAt(root);
        socket = locations.socket(zone);
        daemon = ZoneDaemon.start(zone, locations, new UnixSystem().getUid());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (RawClient c : clients) {
            c.close();
        }
        daemon.stop();
    }

    @Test
    void eightRawWatchersOfAFloodAllSeeItsLastLineEvenOneThatStoppedReadingUntilTheTurnEnded() throws Exception {
        RawClient control = client();
        act(control, "hello");
        List<Watcher> watchers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RawClient c = client();
            c.send(new Request.Watch("w", null, true));
            assertThat(c.next()).isInstanceOf(Reply.Watching.class);
            watchers.add(new Watcher(c));
        }
        Watcher stopped = watchers.get(7);
        watchers.subList(0, 7).forEach(Watcher::start);

        act(control, "flood " + FLOOD);
        stopped.start(); // reads on only now, long after the daemon's bound for it was passed

        for (Watcher w : watchers) {
            assertThat(w.end.completeOnTimeout(false, WAIT.toSeconds(), TimeUnit.SECONDS).get()).as("a watcher saw the turn's last line").isTrue();
        }
        assertThat(stopped.notices).anyMatch(n -> n.startsWith("skipped ") && n.contains("bytes of foreman.1's output"));
    }

    @Test
    void aRenderedWatcherSeesWhatTheBrainSaidWhileTheBrainGoesOnWorkingInSilence() throws Exception {
        RawClient control = client();
        act(control, "hello");
        RawClient watcher = client();
        watcher.send(new Request.Watch("w", null, false));
        assertThat(watcher.next()).isInstanceOf(Reply.Watching.class);
        control.send(new Request.Submit("s", TaskMode.ACT, "sleep 600 quietly", null, Placement.LAST));
        assertThat(control.next()).isInstanceOf(Reply.Accepted.class);
        // The brain says "sleeping 600" and then nothing more for ten minutes: no later frame may be what brings it.
        Message m;
        do {
            m = watcher.next(WAIT);
        } while (!(m instanceof Push.Event e && "sleeping 600".equals(e.entry().text())));
    }

    private RawClient client() throws Exception {
        RawClient c = new RawClient(socket);
        clients.add(c);
        c.send(new Request.Hello("h", Protocol.VERSION, "test"));
        assertThat(c.next()).isInstanceOf(Reply.Welcome.class);
        return c;
    }

    private static void act(RawClient c, String prompt) throws Exception {
        c.send(new Request.Submit("s", TaskMode.ACT, prompt, null, Placement.LAST));
        Reply.Accepted accepted = (Reply.Accepted) c.next();
        c.send(new Request.Await("a", accepted.task().id()));
        assertThat(c.next(WAIT)).isInstanceOf(Reply.TaskEnded.class);
    }

    /** Reads a raw watch stream on its own thread until it has shown {@link #END}. */
    private static final class Watcher extends Thread {
        final RawClient client;
        final CompletableFuture<Boolean> end = new CompletableFuture<>();
        final List<String> notices = new CopyOnWriteArrayList<>();

        Watcher(RawClient client) {
            this.client = client;
            setDaemon(true);
        }

        @Override
        public void run() {
            String last = ""; // the end of what came so far, long enough to hold END cut in two
            try {
                Message m;
                while ((m = client.read()) != null) {
                    if (m instanceof Push.Notice n) {
                        notices.add(n.text());
                    } else if (m instanceof Push.Output o) {
                        String seen = last + new String(o.data(), StandardCharsets.ISO_8859_1);
                        if (seen.contains(END)) {
                            end.complete(true);
                            return;
                        }
                        last = seen.substring(Math.max(0, seen.length() - END.length()));
                    }
                }
                end.complete(false);
            } catch (Exception e) {
                end.completeExceptionally(e);
            }
        }
    }
}
