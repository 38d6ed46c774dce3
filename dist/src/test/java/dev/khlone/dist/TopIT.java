package dev.khlone.dist;

import static dev.khlone.dist.BrainZone.WAIT;
import static dev.khlone.dist.BrainZone.slow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.Tmux;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** khlone top in a real terminal (tmux, 80x24), with a claude clone and a codex clone behind the daemon. */
class TopIT {
    BrainZone zone;
    Tmux tmux;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone("claude");
        tmux = new Tmux(zone.khlone.root());
    }

    @AfterEach
    void tearDown() {
        tmux.close();
        zone.close();
    }

    /** The screen's line that shows {@code slug}'s figures, once it has all of {@code words}. */
    private String row(String slug, String... words) {
        try {
            return Await.value(WAIT, slug + "'s row showing " + String.join(", ", words), () -> line(tmux.screen("top"), slug),
                    line -> {
                        for (String w : words) {
                            if (!line.contains(w)) {
                                return false;
                            }
                        }
                        return true;
                    });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the screen:\n" + tmux.screen("top"), e);
        }
    }

    /** The state of the only clone in {@code khlone status --json}'s output. */
    @SuppressWarnings("unchecked")
    private static String state(String statusJson) {
        List<Map<String, Object>> clones = (List<Map<String, Object>>) Json.parseObject(statusJson).get("clones");
        return clones.isEmpty() ? "" : clones.get(0).get("state").toString();
    }

    private static String line(String screen, String slug) {
        return screen.lines().filter(l -> l.matches("[▸ ] " + slug.replace(".", "\\.") + " .*")).findFirst().orElse("");
    }

    @Test
    void showsTwoBrainsFollowsATaskFromQueuedToDoneAndComesBackFromATalkWithTheTerminalIntact() throws Exception {
        zone.model.enqueue(Reply.text("the hero is warm"));
        zone.ok("act", "--await", "warm up the hero");
        zone.model.enqueue(Reply.text("the mechanic is warm"));
        zone.ok("act", "--await", "--who", "mechanic@codex++", "warm up the mechanic");

        tmux.open("top", 80, 24, zone.dir, zone.shellEnv());
        Path before = zone.khlone.root().resolve("stty-before");
        Path after = zone.khlone.root().resolve("stty-after");
        tmux.run("top", "stty -a > " + before + "; khlone top; stty -a > " + after + "; echo TOP-OVER-$((40+2))");
        tmux.awaitScreen("top", "khlone top — ", WAIT);
        assertThat(row("foreman.1", "claude", "idle")).startsWith("▸ foreman.1");
        row("mechanic.1", "codex", "idle");
        assertThat(tmux.screen("top")).contains("╰ the hero is warm").contains("╰ the mechanic is warm")
                .contains("enter talk").contains("q quit");

        // A slow task, and one queued behind it, submitted from another shell while top runs.
        zone.model.enqueue(slow("a slow reply", Duration.ofSeconds(6)));
        zone.model.enqueue(slow("the queued one is done", Duration.ofSeconds(3)));
        String slowTask = zone.submit("act", "first: take your time");
        String queued = zone.submit("act", "second: wait your turn");
        String running = row("foreman.1", "active", slowTask, " 1 ");
        assertThat(running).as("its queue of one, and the prompt's first line").contains("first: take");
        row("foreman.1", "active", queued, " 0 ");
        row("foreman.1", "idle", " 0 ");
        tmux.awaitScreen("top", "╰ the queued one is done", WAIT);
        assertThat(zone.task(queued).get("status")).isEqualTo("done");

        // enter talks to the selected clone; ctrl-] comes back to a redrawn dashboard whose keys work.
        tmux.keys("top", "Enter");
        tmux.awaitScreen("top", "talking to foreman.1", WAIT);
        tmux.awaitScreen("top", "Claude Code", WAIT);
        tmux.keys("top", "C-]");
        tmux.awaitScreen("top", "khlone top — ", WAIT);
        row("foreman.1", "idle");
        assertThat(tmux.screen("top")).contains("back from foreman.1");
        tmux.keys("top", "j");
        Await.value(WAIT, "the selection on mechanic.1", () -> line(tmux.screen("top"), "mechanic.1"), l -> l.startsWith("▸ "));
        assertThat(line(tmux.screen("top"), "foreman.1")).startsWith("  foreman.1");

        tmux.keys("top", "q");
        tmux.awaitScreen("top", "TOP-OVER-42", WAIT);
        String screen = Await.value(WAIT, "the shell's prompt after top", () -> tmux.screen("top"),
                s -> s.contains("TOP-OVER-42\n$"));
        assertThat(screen).as("the dashboard leaves no trace on the shell's screen").doesNotContain("khlone top —");
        assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
    }

    @Test
    void watchesCancelsAfterAskingRedrawsOnAResizeAndSaysSoWhenTheDaemonGoes() throws Exception {
        zone.model.enqueue(Reply.text("the hero is warm"));
        zone.ok("act", "--await", "warm up the hero");
        tmux.open("top", 80, 24, zone.dir, zone.shellEnv());
        Path before = zone.khlone.root().resolve("stty-before");
        Path after = zone.khlone.root().resolve("stty-after");
        tmux.run("top", "stty -a > " + before + "; khlone top; echo EXIT=$?; stty -a > " + after);
        row("foreman.1", "idle");

        // w watches the clone; q comes back.
        tmux.keys("top", "w");
        tmux.awaitScreen("top", "watching foreman.1 — q or ctrl-c goes back to khlone top", WAIT);
        tmux.awaitScreen("top", "● foreman.1 │ › warm up the hero", WAIT);
        tmux.keys("top", "q");
        row("foreman.1", "idle");

        // c asks first: n keeps the task; y cancels it.
        zone.model.enqueue(slow("too slow to finish", Duration.ofSeconds(30)));
        String task = zone.submit("act", "a task to cancel");
        row("foreman.1", "active", task);
        tmux.keys("top", "c");
        tmux.awaitScreen("top", "cancel " + task + ", the task foreman.1 runs? y/n", WAIT);
        tmux.keys("top", "n");
        tmux.awaitScreen("top", "not cancelled", WAIT);
        assertThat(zone.task(task).get("status")).isEqualTo("active");
        tmux.keys("top", "c");
        tmux.awaitScreen("top", "? y/n", WAIT);
        tmux.keys("top", "y");
        tmux.awaitScreen("top", task + " is cancelled", WAIT);
        row("foreman.1", "idle", " 0 ");
        assertThat(zone.task(task).get("status")).isEqualTo("cancelled");

        // A resize redraws: the footer moves to the new last line.
        tmux.resize("top", 100, 30);
        Await.value(WAIT, "the footer on the last of 30 lines", () -> tmux.screen("top").lines().toList(),
                lines -> lines.size() >= 30 && lines.get(29).startsWith(task + " is cancelled"));

        zone.ok("daemon", "stop");
        tmux.awaitScreen("top", "EXIT=3", WAIT);
        assertThat(tmux.screen("top")).contains("khlone: the zone daemon went away");
        Await.value(WAIT, "stty's output after top", () -> Files.exists(after) ? Files.readString(after) : "", s -> !s.isEmpty());
        String size = "rows \\d+; columns \\d+;";
        assertThat(Files.readString(after).replaceAll(size, "")).isEqualTo(Files.readString(before).replaceAll(size, ""));
    }

    @Test
    void allShowsEveryRunningZoneUnderItsNameAndEnterTalksToACloneOfTheOtherZone() throws Exception {
        Path lib = zone.khlone.newDirectory("lib");
        Files.copy(zone.dir.resolve("khlone.yml"), lib.resolve("khlone.yml"));
        zone.model.enqueue(Reply.text("app's hero is warm"));
        zone.ok("act", "--await", "warm up app");
        zone.model.enqueue(Reply.text("lib's hero is warm"));
        assertThat(zone.khlone.run(lib, "act", "--await", "warm up lib").exitCode()).isZero();

        tmux.open("top", 80, 24, zone.dir, zone.shellEnv());
        tmux.run("top", "khlone top --all; echo TOP-OVER-$((40+2))");
        tmux.awaitScreen("top", "khlone top — 2 zones — 2 clones", WAIT);
        String screen = tmux.screen("top");
        assertThat(screen).contains("━━ app-").contains("━━ lib-").contains("╰ app's hero is warm").contains("╰ lib's hero is warm");
        assertThat(screen.indexOf("╰ lib's hero is warm")).as("each clone under its zone's name")
                .isGreaterThan(screen.indexOf("━━ lib-")).isGreaterThan(screen.indexOf("╰ app's hero is warm"));

        tmux.keys("top", "j");
        tmux.keys("top", "Enter");
        tmux.awaitScreen("top", "talking to foreman.1", WAIT);
        Await.value(WAIT, "lib's clone talking", () -> state(zone.khlone.run(lib, "status", "--json").out()), "talking"::equals);
        assertThat(state(zone.ok("status", "--json").out())).as("app's clone is not the one talking").isEqualTo("idle");
        tmux.keys("top", "C-]");
        tmux.awaitScreen("top", "khlone top — 2 zones", WAIT);
        tmux.keys("top", "q");
        tmux.awaitScreen("top", "TOP-OVER-42", WAIT);
    }

    @Test
    void topRefusesAnythingButATerminal() {
        var r = zone.run("top");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("khlone top needs a terminal: its stdin is not one");
    }
}
