package dev.khlone.cli;

import dev.khlone.protocol.wire.CloneInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code khlone top} shows, as lines of text that fit the terminal: a title, the column
 * heads, two lines per clone (its figures and the running prompt's first line; then what the brain
 * said last), and the footer. Pure: clones, size and time in, lines out; the dashboard only paints
 * them, the selected clone's lines in reverse video.
 */
final class TopLayout {
    /** Lines that are not clones: the title, the column heads, the footer. */
    static final int CHROME = 3;
    private static final String[] HEADS = {"CLONE", "BRAIN", "STATE", "TASK", "AGE", "QUEUE", "TOKENS", "COST"};
    /** The most a slug takes before it is cut: the rest of the line is for the prompt. */
    private static final int SLUG = 16;

    private TopLayout() {}

    /** One zone's clones; {@code label} heads them when several zones are shown (null: one zone). */
    record Section(String label, List<CloneInfo> clones) {
        Section {
            clones = List.copyOf(clones);
        }
    }

    /** The screen: {@code lines} exactly as many as the terminal's rows; the selected clone's lines are {@code selectedFrom} up to {@code selectedTo}, exclusive (-1 for none). */
    record Frame(List<String> lines, int selectedFrom, int selectedTo) {}

    /** Every clone of the sections, in the order shown: what selection indexes. */
    static List<CloneInfo> clones(List<Section> sections) {
        return sections.stream().flatMap(s -> s.clones().stream()).toList();
    }

    /**
     * The screen of {@code width} by {@code height} for {@code sections}, clone {@code selected}
     * (an index into {@link #clones}) picked out and scrolled into view, {@code footer} last.
     */
    static Frame frame(String title, List<Section> sections, int selected, int width, int height, long nowMs, String footer) {
        List<CloneInfo> all = clones(sections);
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADS);
        for (CloneInfo c : all) {
            cells.add(cells(c, nowMs));
        }
        int[] widths = widths(cells);
        List<String> body = new ArrayList<>();
        int from = -1;
        int to = -1;
        int index = 0;
        for (Section s : sections) {
            if (s.label() != null) {
                body.add(fit("━━ " + s.label() + " ", width, '━'));
            }
            if (s.clones().isEmpty()) {
                body.add(fit("   no clones yet — khlone act \"...\" enrolls the hero", width, ' '));
            }
            for (CloneInfo c : s.clones()) {
                if (index == selected) {
                    from = body.size();
                }
                String figures = (index == selected ? "▸ " : "  ") + row(cells.get(index + 1), widths);
                String prompt = c.prompt() == null ? "" : "  " + clean(c.prompt());
                body.add(fit(figures + prompt, width, ' '));
                body.add(fit("    ╰ " + said(c), width, ' '));
                if (index == selected) {
                    to = body.size();
                }
                index++;
            }
        }
        if (all.isEmpty() && sections.isEmpty()) {
            body.add(fit("   no zone is running", width, ' '));
        }
        int rows = Math.max(0, height - CHROME);
        int top = 0;
        if (to > rows) {
            top = to - rows; // the selected clone's last line at the bottom
        }
        List<String> lines = new ArrayList<>();
        lines.add(fit(title, width, ' '));
        lines.add(fit("  " + row(HEADS, widths) + "  PROMPT", width, ' '));
        for (int i = 0; i < rows; i++) {
            int at = top + i;
            lines.add(at < body.size() ? body.get(at) : " ".repeat(width));
        }
        lines.add(fit(footer, width, ' '));
        int shift = 2 - top;
        return new Frame(lines.subList(0, Math.min(lines.size(), Math.max(height, 0))), from < 0 ? -1 : from + shift,
                to < 0 ? -1 : to + shift);
    }

    /** The title: the zone (or how many), and the crew in a few words. */
    static String title(String zone, List<CloneInfo> clones) {
        long active = clones.stream().filter(c -> c.state() == CloneInfo.State.ACTIVE).count();
        long queued = clones.stream().mapToLong(c -> c.queue().size()).sum();
        return "khlone top — " + zone + " — " + clones.size() + (clones.size() == 1 ? " clone, " : " clones, ")
                + active + " active, " + queued + " queued";
    }

    private static String[] cells(CloneInfo c, long nowMs) {
        String age = c.task() == null || c.taskStartedMs() == 0 ? "-" : Render.duration(Math.max(0, nowMs - c.taskStartedMs()))
                .replace(" ", "");
        String slug = c.slug().length() > SLUG ? c.slug().substring(0, SLUG - 1) + "…" : c.slug();
        return new String[] {slug, c.brain(), c.state().wire(), c.task() == null ? "-" : c.task(), age,
                Integer.toString(c.queue().size()), Render.tokens(c.inputTokens() + c.outputTokens()), Render.cost(c.costUsd())};
    }

    /** The second line: why a clone failed, that a person talks to it, or what its brain said last. */
    private static String said(CloneInfo c) {
        if (c.state() == CloneInfo.State.FAILED && c.failure() != null) {
            return "failed: " + clean(c.failure());
        }
        if (c.state() == CloneInfo.State.TALKING) {
            return "a person is talking to it";
        }
        return c.said() == null ? "" : clean(c.said());
    }

    private static int[] widths(List<String[]> rows) {
        int[] widths = new int[HEADS.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], Render.width(r[i]));
            }
        }
        return widths;
    }

    /** Cells in their columns, one space apart; numbers (queue, tokens, cost) to the right. */
    private static String row(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(widths[i] - Render.width(cells[i]));
            if (i > 0) {
                line.append(' ');
            }
            boolean right = i >= 5;
            line.append(right ? pad : "").append(cells[i]).append(right ? "" : pad);
        }
        return line.toString();
    }

    /** Somebody else's text on one line, inert: no control characters, no escape sequences. */
    private static String clean(String text) {
        return Render.printable(text).replace('\n', ' ').replace('\t', ' ');
    }

    /** {@code line} cut to {@code width} (its last column then "…") or filled with {@code fill} up to it. */
    static String fit(String line, int width, char fill) {
        int w = Render.width(line);
        if (w <= width) {
            return line + String.valueOf(fill).repeat(width - w);
        }
        StringBuilder out = new StringBuilder();
        int taken = 0;
        for (int i = 0; i < line.length() && taken < width - 1; ) {
            int cp = line.codePointAt(i);
            out.appendCodePoint(cp);
            i += Character.charCount(cp);
            taken++;
        }
        return width <= 0 ? "" : out.append('…').toString();
    }
}
