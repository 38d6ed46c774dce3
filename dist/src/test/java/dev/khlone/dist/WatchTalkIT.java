package dev.khlone.dist;

import static dev.khlone.dist.BrainZone.WAIT;
import static dev.khlone.dist.BrainZone.number;
import static dev.khlone.dist.BrainZone.slow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.Tmux;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** watch and talk in real terminals (tmux), with each real brain behind the daemon. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"claude", "codex", "opencode"})
class WatchTalkIT {
    @Parameter
    String brain;

    BrainZone zone;
    Tmux tmux;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone(brain);
        tmux = new Tmux(zone.khlone.root());
    }

    @AfterEach
    void tearDown() {
        tmux.close();
        zone.close();
    }

    @Test
    void twoWatchPanesBothShowTheReplyOfAnActStartedElsewhereAndCtrlCLeavesTheCloneWorking() {
        zone.ok("act", "--await", "warm up");
        tmux.open("one", 100, 30, zone.dir, zone.shellEnv());
        tmux.open("two", 100, 30, zone.dir, zone.shellEnv());
        tmux.run("one", "khlone watch");
        tmux.run("two", "khlone watch");
        tmux.awaitScreen("one", "● foreman.1 │ › warm up", WAIT);
        tmux.awaitScreen("two", "● foreman.1 │ › warm up", WAIT);

        zone.model.enqueue(Reply.text("a reply both watchers see"));
        zone.ok("act", "from another terminal");
        tmux.awaitScreen("one", "● foreman.1 │ ✓ a reply both watchers see", WAIT);
        tmux.awaitScreen("two", "● foreman.1 │ ✓ a reply both watchers see", WAIT);

        tmux.keys("one", "C-c");
        tmux.awaitScreen("one", "$ ", WAIT);
        assertThat(zone.ok("act", "--await", "still working?").out()).isEqualTo("echo: still working?\n");
        tmux.awaitScreen("two", "echo: still working?", WAIT);
    }

    @Test
    void talkShowsTheTuiWithTheConversationTakesATypedPromptAndCtrlBracketRestoresTheTerminal() throws Exception {
        zone.model.enqueue(Reply.text("reply before the talk"));
        zone.ok("act", "--await", "prompt before the talk");
        tmux.open("talk", 120, 40, zone.dir, zone.shellEnv());
        Path before = zone.khlone.root().resolve("stty-before");
        Path after = zone.khlone.root().resolve("stty-after");
        tmux.run("talk", "stty -a > " + before + "; khlone talk; stty -a > " + after + "; echo TALK-OVER-$((40+2))");
        tmux.awaitScreen("talk", "reply before the talk", WAIT);
        assertThat(tmux.screen("talk")).contains("prompt before the talk");

        zone.model.enqueue(Reply.text("reply typed in the talk"));
        typeUntilShown("typed in the talk");
        tmux.keys("talk", "Enter");
        tmux.awaitScreen("talk", "reply typed in the talk", WAIT);

        tmux.resize("talk", 100, 30);
        long pid = number(zone.clones().get(0), "pid");
        awaitBrainTerminalSize(pid, "30 100");

        tmux.keys("talk", "C-]");
        tmux.awaitScreen("talk", "TALK-OVER-42", WAIT);
        assertThat(tmux.screen("talk")).contains("back from foreman.1 (detached)");
        // Everything but the size, which the resize above changed on purpose.
        String size = "rows \\d+; columns \\d+;";
        assertThat(Files.readString(after).replaceAll(size, "")).isEqualTo(Files.readString(before).replaceAll(size, ""));
        assertThat(Files.readString(after)).contains("rows 30; columns 100;");

        zone.model.enqueue(Reply.text("reply after the talk"));
        assertThat(zone.ok("act", "--await", "prompt after the talk").out()).isEqualTo("reply after the talk\n");
        List<RecordedRequest> turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).conversation().stream().map(RecordedRequest.Message::text))
                .containsSubsequence("prompt before the talk", "reply before the talk", "typed in the talk",
                        "reply typed in the talk", "prompt after the talk");
    }

    @Test
    void exitTypedInTheTuiLeavesKhlonesLinesOnFreshLinesSayingHowToComeBack() throws Exception {
        zone.model.enqueue(Reply.text("reply before the talk"));
        zone.ok("act", "--await", "prompt before the talk");
        tmux.open("talk", 120, 40, zone.dir, zone.shellEnv());
        tmux.run("talk", "khlone talk; echo TALK-OVER-$((40+2))");
        tmux.awaitScreen("talk", "reply before the talk", WAIT);

        typeUntilShown("/exit");
        tmux.keys("talk", "Enter");
        tmux.awaitScreen("talk", "TALK-OVER-42", WAIT);
        String screen = Await.value(WAIT, "the shell's prompt after the talk", () -> tmux.screen("talk"),
                s -> s.contains("TALK-OVER-42\n$"));
        List<String> lines = screen.lines().toList();
        int back = lines.indexOf(lines.stream().filter(l -> l.contains("back from foreman.1")).findFirst().orElseThrow());
        // Leaving an alternate screen the TUI had left already drew these over its goodbye ("rc=0me this session with:").
        assertThat(lines.subList(back, back + 4)).as(screen).containsExactly(
                "back from foreman.1 (" + brain + "'s TUI exited); it is back on its queue",
                "  talk again: khlone talk foreman.1",
                "TALK-OVER-42",
                "$");
        assertThat(screen).doesNotContain("is talking with a person");
    }

    @Test
    void keysTypedWhileTheTuiStartsReachItsPrompt() {
        zone.ok("act", "--await", "warm up");
        tmux.open("talk", 120, 40, zone.dir, zone.shellEnv());
        tmux.run("talk", "khlone talk");
        tmux.awaitScreen("talk", "talking to foreman.1", WAIT);
        // opencode takes seconds to start, and its prompt dropped what came before it was there.
        tmux.type("talk", "typed while it starts");
        zone.model.enqueue(Reply.text("reply to what was typed early"));
        tmux.keys("talk", "Enter");

        tmux.awaitScreen("talk", "reply to what was typed early", WAIT);
        List<RecordedRequest> turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).prompt()).isEqualTo("typed while it starts");
    }

    @Test
    void aConversationBegunInTalkIsTheOneTheNextTaskResumesAfterADaemonRestart() throws Exception {
        talkFirst();
        tmux.keys("talk", "C-]");
        tmux.awaitScreen("talk", "TALK-OVER-42", WAIT);

        // The series the talk began is the clone's, in the crew file too, once the clone is back on its queue.
        awaitIdle();
        zone.ok("daemon", "restart");
        assertTheNextTaskResumesTheTalk();
    }

    @Test
    void aConversationBegunInATalkSurvivesTheDaemonKilledDuringTheTalk() throws Exception {
        talkFirst();

        // The daemon dies with the talk still on: the next one learns from the brain what the talk began.
        long daemon = zone.khlone.daemonPid(zone.khlone.zone(zone.dir)).orElseThrow();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        tmux.awaitScreen("talk", "TALK-OVER-42", WAIT);
        assertTheNextTaskResumesTheTalk();
    }

    @Test
    void actWatchStreamsTheTaskAndReturnsWhenItEndsAndCtrlCInAWatchLeavesTheTaskRunning() throws Exception {
        tmux.open("act", 100, 30, zone.dir, zone.shellEnv());
        zone.model.enqueue(slow("streamed to the terminal", Duration.ofSeconds(1)));
        tmux.run("act", "khlone act --watch 'watch me work'; echo EXIT=$?");
        tmux.awaitScreen("act", "● foreman.1 │ › watch me work", WAIT);
        tmux.awaitScreen("act", "EXIT=0", WAIT);
        assertThat(tmux.screen("act")).contains("✓ streamed to the terminal");

        zone.model.enqueue(slow("finishes without a watcher", Duration.ofSeconds(4)));
        tmux.run("act", "khlone act --watch 'long one'; echo EXIT=$?");
        tmux.awaitScreen("act", "› long one", WAIT);
        tmux.keys("act", "C-c");
        tmux.awaitScreen("act", "EXIT=130", WAIT);
        String id = zone.clones().get(0).get("task").toString();
        assertThat(zone.awaitStatus(id, "done").get("result").toString()).startsWith("finishes without a watcher");
    }

    @Test
    void talkRefusesAnythingButATerminal() {
        zone.ok("act", "--await", "hi");
        var r = zone.run("talk");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("khlone talk needs a terminal: its stdin is not one");
    }

    /** A talk whose first turn, typed in the clone's own TUI, begins the clone's conversation. */
    private void talkFirst() {
        tmux.open("talk", 120, 40, zone.dir, zone.shellEnv());
        tmux.run("talk", "khlone talk; echo TALK-OVER-$((40+2))");
        tmux.awaitScreen("talk", Map.of("claude", "Claude Code", "codex", "OpenAI Codex", "opencode", "Ask anything").get(brain), WAIT);
        zone.model.enqueue(Reply.text("reply typed first, in the talk"));
        typeUntilShown("typed first, in the talk");
        tmux.keys("talk", "Enter");
        tmux.awaitScreen("talk", "reply typed first, in the talk", WAIT);
    }

    /** The next task's turn carries what was said in {@link #talkFirst}'s talk. */
    private void assertTheNextTaskResumesTheTalk() {
        zone.model.enqueue(Reply.text("reply to the task"));
        assertThat(zone.ok("act", "--await", "the task after the talk").out()).isEqualTo("reply to the task\n");
        List<RecordedRequest> turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).conversation().stream().map(RecordedRequest.Message::text))
                .containsSubsequence("typed first, in the talk", "reply typed first, in the talk", "the task after the talk");
    }

    private void awaitIdle() {
        Await.value(WAIT, "the clone to go back to its queue", zone::clones, clones -> "idle".equals(clones.get(0).get("state")));
    }

    /** Types into the TUI once it takes keys: a TUI still starting up may drop them (opencode does, for seconds). */
    private void typeUntilShown(String text) {
        Await.until(WAIT, "the talk's TUI to take keys and show \"" + text + "\"", () -> {
            tmux.type("talk", text);
            if (Await.within(Duration.ofSeconds(2), () -> tmux.screen("talk").contains(text))) {
                return true;
            }
            tmux.keys("talk", "C-u");
            return false;
        });
    }

    private static void awaitBrainTerminalSize(long pid, String size) throws Exception {
        Path tty = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0"));
        Await.value(WAIT, "the brain's terminal to be " + size, () -> {
            Process p = new ProcessBuilder("stty", "-F", tty.toString(), "size").redirectErrorStream(true).start();
            String seen = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return seen;
        }, size::equals);
    }
}
