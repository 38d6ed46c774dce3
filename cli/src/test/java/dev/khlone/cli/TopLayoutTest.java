package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.wire.CloneInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** khlone top's screen as text: what fits 80x24, what is cut, which lines the selection takes. */
class TopLayoutTest {
    private static final long NOW = 1_700_000_100_000L;

    private static CloneInfo clone(String slug, String brain, CloneInfo.State state, String task, List<String> queue,
                                   String prompt, String said) {
        return new CloneInfo(slug, brain, state, task, task == null ? 0 : NOW - 65_000, queue, 12_000, 345, 0.0421, "s", 1,
                state == CloneInfo.State.FAILED ? "crashed 4 times in 60 s" : null, CloneInfo.PERSISTENT, prompt, said);
    }

    private static final List<CloneInfo> CREW = List.of(
            clone("foreman.1", "claude", CloneInfo.State.ACTIVE, "t-0003", List.of("t-0004", "t-0005"),
                    "refactor the parser so that it streams instead of reading whole files into memory", "Reading src/parser.rs"),
            clone("mechanic.1", "codex", CloneInfo.State.IDLE, null, List.of(), null, "All tests pass."),
            clone("scout.1", "opencode", CloneInfo.State.FAILED, null, List.of(), null, null));

    private static TopLayout.Frame frame(List<CloneInfo> crew, int selected, int width, int height) {
        return TopLayout.frame(TopLayout.title("app-1234", crew), List.of(new TopLayout.Section(null, crew)), selected,
                width, height, NOW, "q quit");
    }

    @Test
    void atEightyByTwentyFourEveryLineFitsAndEachCloneShowsItsFiguresPromptAndLastWords() {
        TopLayout.Frame f = frame(CREW, 0, 80, 24);
        assertThat(f.lines()).hasSize(24).allSatisfy(line -> assertThat(Render.width(line)).isEqualTo(80));
        assertThat(f.lines().get(0)).startsWith("khlone top — app-1234 — 3 clones, 1 active, 2 queued");
        assertThat(f.lines().get(1)).startsWith("  CLONE      BRAIN    STATE  TASK   AGE  QUEUE TOKENS    COST  PROMPT");
        assertThat(f.lines().get(2)).startsWith("▸ foreman.1  claude   active t-0003 1m5s     2  12.3k $0.0421  refactor the")
                .endsWith("…");
        assertThat(f.lines().get(3).strip()).isEqualTo("╰ Reading src/parser.rs");
        assertThat(f.lines().get(4).stripTrailing()).isEqualTo("  mechanic.1 codex    idle   -      -        0  12.3k $0.0421");
        assertThat(f.lines().get(5).strip()).isEqualTo("╰ All tests pass.");
        assertThat(f.lines().get(7).strip()).isEqualTo("╰ failed: crashed 4 times in 60 s");
        assertThat(f.lines().get(23)).startsWith("q quit");
        assertThat(f.selectedFrom()).isEqualTo(2);
        assertThat(f.selectedTo()).isEqualTo(4);
    }

    @Test
    void aNarrowTerminalCutsLinesAndABrainsEscapesNeverReachTheScreen() {
        CloneInfo sly = clone("foreman.1", "claude", CloneInfo.State.ACTIVE, "t-0003", List.of(), "\u001b]0;pwned\u0007hi",
                "\u001b[2Jcleared?");
        TopLayout.Frame f = frame(List.of(sly), 0, 40, 10);
        assertThat(f.lines()).hasSize(10).allSatisfy(line -> {
            assertThat(Render.width(line)).isEqualTo(40);
            assertThat(line).doesNotContain("\u001b");
        });
        assertThat(f.lines().get(3).strip()).isEqualTo("╰ cleared?");
    }

    @Test
    void aCloneBelowTheScreenIsScrolledIntoViewWhenSelected() {
        List<CloneInfo> many = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            many.add(clone("worker." + i, "claude", CloneInfo.State.IDLE, null, List.of(), null, "said " + i));
        }
        TopLayout.Frame f = frame(many, 19, 80, 24);
        assertThat(f.lines()).hasSize(24);
        assertThat(f.lines().get(f.selectedFrom())).startsWith("▸ worker.20 ");
        assertThat(f.lines().get(f.selectedTo() - 1).strip()).isEqualTo("╰ said 20");
        assertThat(f.selectedTo()).isEqualTo(23); // just above the footer
        assertThat(f.lines().get(23)).startsWith("q quit");
    }

    @Test
    void severalZonesAreHeadedByTheirNames() {
        TopLayout.Frame f = TopLayout.frame("t", List.of(new TopLayout.Section("app-1 /src/app", CREW.subList(0, 1)),
                new TopLayout.Section("lib-2 /src/lib", List.of())), 0, 80, 24, NOW, "q");
        assertThat(f.lines().get(2)).startsWith("━━ app-1 /src/app ━━━");
        assertThat(f.lines().get(3)).startsWith("▸ foreman.1");
        assertThat(f.lines().get(5)).startsWith("━━ lib-2 /src/lib ━━━");
        assertThat(f.lines().get(6).strip()).startsWith("no clones yet");
    }
}
