package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Placement;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import dev.khlone.protocol.zone.Zone;
import dev.khlone.protocol.zone.ZoneKey;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.fakebrain.FakeBrain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reply.Watching and talking to a clone, with the scripted fake brain and recording clients. */
class WatchTalkTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What a person at a terminal takes for "at once". */
    private static final Duration PROMPT = Duration.ofMillis(100);

    @TempDir
    Path tmp;
    FakeBrain brain;
    Crew crew;
    Store store;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("zone"));
        Files.writeString(root.resolve("khlone.yml"), "hero: foreman@fake\n");
        brain = FakeBrain.persistent(tmp.resolve("brain"));
        store = Store.open(tmp.resolve("state/zone.json"), tmp.resolve("state/tasks.jsonl"), tmp.resolve("state/transcripts"));
        crew = Crew.restore(Zone.at(root, ZoneKey.in(tmp)), store, Map.of("fake", brain), System.getenv());
    }

    @AfterEach
    void tearDown() throws Exception {
        crew.shutdown();
        store.close();
    }

    private TaskInfo ended(TaskInfo task) throws Exception {
        CompletableFuture<TaskInfo> end = new CompletableFuture<>();
        crew.await(task.id(), end::complete, end::completeExceptionally);
        return end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static boolean says(Push.Event e, TranscriptEntry.Kind kind, String text) {
        return e.entry().kind() == kind && text.equals(e.entry().text());
    }

    @Test
    void twoWatchersSeeTheSameTaskAndALateOneSeesTheHistoryFirst() throws Exception {
        ended(crew.submit(TaskMode.ACT, "before anyone watched", null, Placement.LAST));
        RecordingClient one = new RecordingClient();
        RecordingClient two = new RecordingClient();
        assertThat(crew.watch(null, one, "w1", false)).isEqualTo("foreman.1");
        crew.watch("foreman.1", two, "w2", false);
        assertThat(one.received().get(0)).isEqualTo(new Reply.Watching("w1", "foreman.1", false));
        one.await(Push.Event.class, e -> says(e, TranscriptEntry.Kind.PROMPT, "before anyone watched"), WAIT);

        TaskInfo task = crew.submit(TaskMode.ACT, "watched", null, Placement.LAST);
        ended(task);
        for (RecordingClient c : new RecordingClient[] {one, two}) {
            c.await(Push.Event.class, e -> says(e, TranscriptEntry.Kind.PROMPT, "watched") && task.id().equals(e.entry().task()), WAIT);
            c.await(Push.Event.class, e -> says(e, TranscriptEntry.Kind.RESULT, "echo: watched"), WAIT);
        }
        assertThatThrownBy(() -> crew.watch("scout", new RecordingClient(), "w3", false)).hasMessage("no clone is scout");
    }

    @Test
    void aWatcherThatStopsReadingIsToldWhatItMissedOnceItCatchesUpWhileTheOtherSeesEverything() throws Exception {
        ended(crew.submit(TaskMode.ACT, "start", null, Placement.LAST));
        RecordingClient slow = new RecordingClient();
        RecordingClient fast = new RecordingClient();
        crew.watch(null, slow, "s", false);
        crew.watch(null, fast, "f", false);
        slow.stall(true);
        ended(crew.submit(TaskMode.ACT, "while stalled", null, Placement.LAST));
        fast.await(Push.Event.class, e -> says(e, TranscriptEntry.Kind.RESULT, "echo: while stalled"), WAIT);
        assertThat(slow.received()).noneMatch(r -> r instanceof Push.Event
                && says((Push.Event) r, TranscriptEntry.Kind.RESULT, "echo: while stalled"));

        slow.stall(false); // caught up: with nothing else happening, it is brought back
        slow.await(Push.Notice.class, n -> n.text().startsWith("skipped"), WAIT);
        slow.await(Push.Event.class, e -> says(e, TranscriptEntry.Kind.RESULT, "echo: while stalled"), WAIT);
        int notice = indexOf(slow, r -> r instanceof Push.Notice && ((Push.Notice) r).text().startsWith("skipped"));
        int result = indexOf(slow, r -> r instanceof Push.Event
                && says((Push.Event) r, TranscriptEntry.Kind.RESULT, "echo: while stalled"));
        assertThat(notice).isLessThan(result);
        ended(crew.submit(TaskMode.ACT, "after", null, Placement.LAST));
        slow.await(Push.Event.class, e -> says(e, TranscriptEntry.Kind.RESULT, "echo: after"), WAIT);
    }

    @Test
    void aRawWatcherThatStopsReadingThroughAFloodIsSentTheTurnsLastLinesOnceItReadsOn() throws Exception {
        ended(crew.submit(TaskMode.ACT, "start", null, Placement.LAST));
        RecordingClient slow = new RecordingClient();
        RecordingClient fast = new RecordingClient();
        crew.watch(null, slow, "s", true);
        crew.watch(null, fast, "f", true);
        slow.stall(true);
        ended(crew.submit(TaskMode.ACT, "flood 600000", null, Placement.LAST));
        String end = "{\"type\":\"done\",\"result\":\"flooded 585 events\"";
        fast.awaitOutput(end, WAIT);
        assertThat(slow.output()).isEmpty();

        slow.stall(false); // caught up: with the brain quiet, it is sent the last of the output, from a line's start
        String seen = slow.awaitOutput(end, WAIT);
        assertThat(slow.await(Push.Notice.class, n -> n.text().startsWith("skipped"), WAIT).text())
                .startsWith("skipped " + (fast.output().length() - seen.length()) + " bytes of foreman.1's output");
        assertThat(fast.output()).endsWith(seen);
        assertThat(seen).startsWith("{\"type\":\"text\"");
        ended(crew.submit(TaskMode.ACT, "after", null, Placement.LAST));
        assertThat(slow.awaitOutput("echo: after", WAIT)).endsWith(fast.output().substring(fast.output().indexOf(end)));
    }

    @Test
    void talkWaitsForTheRunningTaskThenShowsTheTuiAndDetachGoesBackToTheQueue() throws Exception {
        TaskInfo running = crew.submit(TaskMode.ACT, "sleep 1 running", null, Placement.LAST);
        RecordingClient talker = new RecordingClient();
        RecordingClient watcher = new RecordingClient();
        crew.watch(null, watcher, "w", false);
        Crew.Talk talk = crew.talk(null, talker, "t", 90, 20, false);
        talker.await(Push.Notice.class, n -> n.text().startsWith("waiting for " + running.id() + " to finish"), WAIT);
        TaskInfo queued = crew.submit(TaskMode.ACT, "queued during the talk", null, Placement.LAST);
        talker.await(Reply.Talking.class, t -> true, WAIT);
        assertThat(ended(running).status()).isEqualTo(Status.DONE);
        talker.awaitOutput("fake tui, series", WAIT);
        talker.awaitOutput("[20 90] > ", WAIT);
        watcher.await(Push.Notice.class, n -> n.text().equals("foreman.1 is talking with a person now; this is its screen"),
                WAIT);
        assertThat(talker.received()).as("the person who talks is not told that a person talks")
                .noneMatch(r -> r instanceof Push.Notice n && n.text().contains("talking with a person"));
        assertThat(crew.status(null).get(0).state()).isEqualTo(CloneInfo.State.TALKING);
        assertThat(crew.task(queued.id()).orElseThrow().status()).as("the queue waits").isEqualTo(Status.QUEUED);

        talk.input("typed by a person\r".getBytes(StandardCharsets.UTF_8));
        talker.awaitOutput("tui echo: typed by a person", WAIT);
        watcher.awaitOutput("tui echo: typed by a person", WAIT);
        talk.resize(100, 30);
        talk.input("\r".getBytes(StandardCharsets.UTF_8));
        talker.awaitOutput("[30 100] > ", WAIT);

        talk.detach(talker);
        assertThat(talker.await(Push.TalkEnded.class, e -> true, WAIT).reason()).isEqualTo("detached");
        assertThat(ended(queued).result()).isEqualTo("echo: queued during the talk");
        String series = crew.status(null).get(0).series();
        assertThat(brain.history(series)).containsSubsequence("sleep 1 running", "typed by a person", "queued during the talk");
        watcher.await(Push.Notice.class, n -> n.text().contains("back on its queue"), WAIT);

        // Keys the detached talker still sends reach no brain: the headless one would read this line as a prompt.
        talk.input((Base64.getEncoder().encodeToString("smuggled after the talk".getBytes(StandardCharsets.UTF_8)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        TaskInfo after = crew.submit(TaskMode.ACT, "after the talk", null, Placement.LAST);
        assertThat(ended(after).result()).isEqualTo("echo: after the talk");
        assertThat(brain.history(crew.status(null).get(0).series())).contains("after the talk")
                .doesNotContain("smuggled after the talk");
    }

    @Test
    void talkNowInterruptsTheRunningTaskWhichRunsAgainAfterAndASecondTalkerIsRefused() throws Exception {
        TaskInfo running = crew.submit(TaskMode.ACT, "sleep 2 interrupted", null, Placement.LAST);
        awaitStatus(running, Status.ACTIVE);
        RecordingClient talker = new RecordingClient();
        Crew.Talk talk = crew.talk(null, talker, "t", 80, 24, true);
        talker.await(Reply.Talking.class, t -> true, WAIT);
        talker.await(Push.Notice.class, n -> n.text().startsWith("interrupted " + running.id()), WAIT);
        assertThatThrownBy(() -> crew.talk("foreman.1", new RecordingClient(), "t2", 80, 24, false))
                .hasMessage("foreman.1 is already talking with someone");

        talker.awaitOutput("> ", WAIT);
        talk.detach(talker);
        TaskInfo again = ended(running);
        assertThat(again.status()).isEqualTo(Status.DONE);
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.interruptions()).as("a person's interruption does not count against the task").isEmpty();
        assertThat(brain.notes(crew.status(null).get(0).series())).singleElement().asString()
                .startsWith("sleep 2 interrupted <- (khlone: an earlier attempt")
                .contains("(a person took over the brain to talk with it)");
    }

    @Test
    void leavingTheTuiItsOwnWayOrDroppingTheConnectionEndsTheTalk() throws Exception {
        RecordingClient talker = new RecordingClient();
        Crew.Talk talk = crew.talk(null, talker, "t", 80, 24, false);
        talker.await(Reply.Talking.class, t -> true, WAIT);
        talker.awaitOutput("> ", WAIT);
        talk.input("/exit\r".getBytes(StandardCharsets.UTF_8));
        assertThat(talker.await(Push.TalkEnded.class, e -> true, WAIT).reason()).isEqualTo("fake's TUI exited");
        assertThat(ended(crew.submit(TaskMode.ACT, "after exit", null, Placement.LAST)).result()).isEqualTo("echo: after exit");

        RecordingClient gone = new RecordingClient();
        crew.talk(null, gone, "t", 80, 24, false);
        gone.await(Reply.Talking.class, t -> true, WAIT);
        gone.close();
        assertThat(ended(crew.submit(TaskMode.ACT, "after a dropped talker", null, Placement.LAST)).result())
                .isEqualTo("echo: after a dropped talker");
        assertThat(crew.status(null).get(0).state()).isNotEqualTo(CloneInfo.State.TALKING);
    }

    @Test
    void aWatcherWhoAttachesToATalkingCloneGetsTheScreenRedrawn() throws Exception {
        RecordingClient talker = new RecordingClient();
        Crew.Talk talk = crew.talk(null, talker, "t", 80, 24, false);
        talker.await(Reply.Talking.class, t -> true, WAIT);
        talk.input("on the screen\r".getBytes(StandardCharsets.UTF_8));
        talker.awaitOutput("tui echo: on the screen", WAIT);
        RecordingClient late = new RecordingClient();
        crew.watch(null, late, "w", false);
        assertThat(late.received().get(0)).isEqualTo(new Reply.Watching("w", "foreman.1", true));
        String redraw = new String(((Push.Output) late.received().get(1)).data(), StandardCharsets.UTF_8);
        assertThat(redraw).startsWith("\u001b[0m\u001b[H\u001b[2J").contains("tui echo: on the screen");
    }

    private static int indexOf(RecordingClient client, java.util.function.Predicate<dev.khlone.protocol.wire.Reply> which) {
        List<dev.khlone.protocol.wire.Reply> all = client.received();
        for (int i = 0; i < all.size(); i++) {
            if (which.test(all.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private void awaitStatus(TaskInfo task, Status status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (crew.task(task.id()).orElseThrow().status() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(task.id() + " never became " + status);
            }
            Thread.sleep(10);
        }
    }

    /**
     * A brain that takes seconds to stop (deaf to SIGTERM, so only the SIGKILL after the grace ends
     * it) holds up only its own clone's owner thread: the crew, the other clones and the watchers of
     * the stopping one are answered at once meanwhile, and its watchers see what it still says.
     */
    @Test
    void whileOneClonesBrainTakesSecondsToStopStatusWatchAndAnotherClonesTalkAreAnsweredAtOnce() throws Exception {
        // The fake brain is bash: BASH_ENV runs this first. SIGTERM ignored is inherited by every child.
        Path deaf = Files.writeString(tmp.resolve("deaf.sh"), "trap '' TERM\n"
                + "( n=0; while sleep 0.2; do n=$((n+1)); echo \"{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"still here $n\\\"}\"; done ) &\n");
        Files.writeString(tmp.resolve("zone/khlone.yml"), "hero: foreman@fake\nbrains:\n  deaf:\n"
                + "    brain: fake\n    env: {BASH_ENV: " + deaf + "}\n");
        RecordingClient talker = new RecordingClient();
        Crew.Talk talk = crew.talk(null, talker, "t", 80, 24, false);
        talker.await(Reply.Talking.class, t -> true, WAIT);
        talker.awaitOutput("> ", WAIT);

        TaskInfo stubborn = crew.submit(TaskMode.ACT, "sleep 60 stubborn", "worker@deaf++", Placement.LAST);
        assertThat(stubborn.cloneSlug()).isEqualTo("worker.1");
        Await.until(WAIT, stubborn.id() + " running", () -> crew.task(stubborn.id()).orElseThrow().status() == Status.ACTIVE);
        RecordingClient watcher = new RecordingClient();
        crew.watch("worker.1", watcher, "w", false);
        watcher.await(Push.Event.class, e -> stillHere(e) > 0, WAIT);

        // The person cancels the task: its brain is stopped (SIGTERM, ignored, then SIGKILL after the grace) and started again.
        CompletableFuture<TaskInfo> cancel = CompletableFuture.supplyAsync(() -> {
            try {
                return crew.cancel(stubborn.id());
            } catch (CrewException e) {
                throw new CompletionException(e);
            }
        });
        Await.until(WAIT, "worker.1 rebooting", () -> state("worker.1") == CloneInfo.State.REBOOTING);

        for (int probe = 1; probe <= 4; probe++) {
            int said = lastStillHere(watcher);
            watcher.await(Push.Event.class, e -> stillHere(e) > said, Duration.ofSeconds(1));

            long start = System.nanoTime();
            assertThat(crew.status(null)).extracting(CloneInfo::slug).contains("foreman.1", "worker.1");
            assertAtOnce(start, "status");

            for (String slug : new String[] {"worker.1", "foreman.1"}) {
                RecordingClient late = new RecordingClient();
                start = System.nanoTime();
                crew.watch(slug, late, "w" + probe, false);
                assertThat(late.received()).first().isInstanceOf(Reply.Watching.class);
                assertAtOnce(start, "a watch of " + slug);
            }

            start = System.nanoTime();
            talk.input(("probe " + probe + "\r").getBytes(StandardCharsets.UTF_8));
            talker.awaitOutput("tui echo: probe " + probe, WAIT);
            assertAtOnce(start, "foreman.1's echo of what the talker typed");
        }
        assertThat(cancel).as("the probes ran while worker.1's brain was being stopped").isNotDone();

        assertThat(cancel.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(Status.CANCELLED);
        Await.until(WAIT, "worker.1 back", () -> state("worker.1") == CloneInfo.State.IDLE);
    }

    private CloneInfo.State state(String slug) {
        try {
            return crew.status(slug).get(0).state();
        } catch (CrewException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertAtOnce(long startNanos, String what) {
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).as(what + " while another brain stops")
                .isLessThan(PROMPT);
    }

    /** The number of the stubborn brain's "still here N", or 0 for another event. */
    private static int stillHere(Push.Event e) {
        String text = e.entry().text();
        return e.entry().kind() == TranscriptEntry.Kind.TEXT && text != null && text.startsWith("still here ")
                ? Integer.parseInt(text.substring("still here ".length())) : 0;
    }

    private static int lastStillHere(RecordingClient watcher) {
        return watcher.received().stream().filter(r -> r instanceof Push.Event)
                .mapToInt(r -> stillHere((Push.Event) r)).max().orElse(0);
    }
}
