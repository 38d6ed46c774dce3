package dev.khlone.cli;

import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import sun.misc.Signal;

/**
 * {@code khlone top}'s full screen (JLine): the crews of the followed zones ({@link TopCrews}),
 * redrawn on every push, on a resize and once a second for the ages; the keys ({@link TopKeys})
 * move the selection, talk to a clone, watch it or cancel its task. The terminal is put back on
 * every way out.
 */
final class Dashboard {
    private static final String KEYS = "↑↓/jk select  enter talk  w watch  c cancel  q quit";

    private final Host host;
    private final TopCrews crews;
    private final byte detachKey;
    private final String detachName;
    private final PrintWriter err;
    private final TopKeys keys = new TopKeys();
    private Terminal terminal;
    private Attributes cooked;
    private Display display;
    private int selected;
    /** The clone the selection was put on: it stays on it while clones before it come and go. */
    private TopCrews.Shown picked;
    /** A question on the footer line (cancel?), or a word about what just happened; null for the keys. */
    private String footer;
    /** The clone whose running task the footer asks to cancel. */
    private TopCrews.Shown cancelling;

    Dashboard(Host host, List<TopCrews.Followed> zones, byte detachKey, String detachName, PrintWriter err) {
        this.host = host;
        this.crews = new TopCrews(zones, keys::wake);
        this.detachKey = detachKey;
        this.detachName = detachName;
        this.err = err;
    }

    /** Runs until q, ctrl-c or the daemon's going; returns the exit code. */
    int run() {
        crews.start();
        Thread restoreOnSignal = new Thread(this::leave);
        try {
            // No grapheme-cluster probe: its answer is read with a timeout, which leaves a JLine thread blocked on
            // stdin that takes the next key typed (the keyboard is top-keys' alone); no signal handlers either.
            terminal = TerminalBuilder.builder().system(true).nativeSignals(false).graphemeCluster(false).build();
            cooked = terminal.getAttributes();
            Runtime.getRuntime().addShutdownHook(restoreOnSignal);
            enter();
            keys.start();
            return loop();
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "the terminal failed: " + e.getMessage(), "run khlone top in a terminal", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILED;
        } finally {
            leave();
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnSignal);
            } catch (IllegalStateException exiting) {
                // the hook is running: it restores the terminal too
            }
            closeTerminal();
        }
    }

    private int loop() throws InterruptedException {
        while (true) {
            Integer key = keys.poll(1000); // a second at most between redraws: the ages move
            if (key != null && key != TopKeys.WAKE) {
                if (cancelling != null) {
                    confirmCancel(key);
                } else if (key == 'q' || key == 3) {
                    return ExitCode.OK;
                } else if (key == 'j') {
                    move(1);
                } else if (key == 'k') {
                    move(-1);
                } else if (key == 0x1b) {
                    arrow();
                } else if (key == '\r' || key == '\n') {
                    talk();
                } else if (key == 'w') {
                    watch();
                } else if (key == 'c') {
                    askCancel();
                }
            }
            if (crews.allGone()) {
                leave();
                err.println(crews.zones().size() > 1 ? "khlone: the zone daemons went away" : "khlone: the zone daemon went away");
                err.println("  hint: khlone status starts it again; its crew and their queues are kept");
                return ExitCode.UNREACHABLE;
            }
            draw();
        }
    }

    /** ESC [ A (or ESC O A) is up, B down; whatever else follows ESC is dropped. */
    private void arrow() throws InterruptedException {
        Integer bracket = keys.poll(50);
        if (bracket == null || bracket != '[' && bracket != 'O') {
            return;
        }
        Integer code = keys.poll(50);
        if (code != null && code == 'A') {
            move(-1);
        } else if (code != null && code == 'B') {
            move(1);
        }
    }

    private void move(int by) {
        List<TopCrews.Shown> shown = crews.shown();
        selected = shown.isEmpty() ? 0 : Math.max(0, Math.min(shown.size() - 1, selected + by));
        picked = shown.isEmpty() ? null : shown.get(selected);
        footer = null;
    }

    /** The selected clone and the zone it is in, or null. */
    private TopCrews.Shown selection() {
        List<TopCrews.Shown> shown = crews.shown();
        return selected < shown.size() ? shown.get(selected) : null;
    }

    private void draw() {
        Size size = terminal.getSize();
        int cols = Math.max(20, size.getColumns());
        int rows = Math.max(TopLayout.CHROME + 2, size.getRows());
        List<TopLayout.Section> sections = crews.sections();
        List<CloneInfo> all = TopLayout.clones(sections);
        if (picked != null) {
            List<TopCrews.Shown> shown = crews.shown();
            for (int i = 0; i < shown.size(); i++) {
                if (shown.get(i).zone() == picked.zone() && shown.get(i).info().slug().equals(picked.info().slug())) {
                    selected = i;
                }
            }
        }
        selected = Math.max(0, Math.min(selected, all.size() - 1));
        List<TopCrews.Followed> zones = crews.zones();
        String zone = zones.size() == 1 ? zones.get(0).daemon().zone().id() : zones.size() + " zones";
        TopLayout.Frame frame = TopLayout.frame(TopLayout.title(zone, all), sections, selected, cols, rows,
                host.nowMs(), footer != null ? footer : KEYS);
        List<AttributedString> lines = new ArrayList<>();
        for (int i = 0; i < frame.lines().size(); i++) {
            String line = frame.lines().get(i);
            boolean picked = i >= frame.selectedFrom() && i < frame.selectedTo();
            boolean chrome = i < 2 || i == frame.lines().size() - 1;
            lines.add(new AttributedString(line, picked ? AttributedStyle.INVERSE : chrome ? AttributedStyle.BOLD : AttributedStyle.DEFAULT));
        }
        display.resize(rows, cols);
        display.update(lines, 0);
        terminal.flush();
    }

    private void askCancel() {
        TopCrews.Shown s = selection();
        if (s == null || s.info().task() == null) {
            footer = s == null ? "no clone selected" : s.info().slug() + " runs no task; nothing to cancel";
            return;
        }
        cancelling = s;
        footer = "cancel " + s.info().task() + ", the task " + s.info().slug() + " runs? y/n";
    }

    private void confirmCancel(int key) {
        TopCrews.Shown s = cancelling;
        CloneInfo clone = s.info();
        cancelling = null;
        if (key != 'y' && key != 'Y') {
            footer = "not cancelled";
            return;
        }
        try (Connection c = s.zone().daemon().connectOrStart().connection()) {
            Reply.TaskReport report = c.call(new Request.Cancel(c.id(), clone.task()), Reply.TaskReport.class);
            footer = report.task().id() + " is " + report.task().status().wire();
        } catch (KhloneException e) {
            footer = "cannot cancel " + clone.task() + ": " + e.getMessage();
        }
    }

    /** Talks to the selected clone on the terminal as khlone talk does, then comes back. */
    private void talk() throws InterruptedException {
        TopCrews.Shown s = selection();
        if (s == null) {
            return;
        }
        pause();
        InputStream keyboard = keys.forTalk();
        try (Connection c = s.zone().daemon().connectOrStart().connection()) {
            TalkSession.run(c, s.info().slug(), false, detachKey, detachName, host.brainEnvironment(), err, keyboard);
            footer = "back from " + s.info().slug();
        } catch (KhloneException e) {
            footer = "cannot talk to " + s.info().slug() + ": " + e.getMessage();
        } finally {
            closeQuietly(keyboard);
            err.flush();
            resume();
        }
    }

    /** Watches the selected clone until q or ctrl-c, then comes back. */
    private void watch() throws InterruptedException {
        TopCrews.Shown s = selection();
        if (s == null) {
            return;
        }
        pause();
        terminal.setAttributes(raw()); // q and ctrl-c are keys while watching, not a signal
        try (Connection c = s.zone().daemon().connectOrStart().connection()) {
            String id = c.id();
            Reply.Watching watching = c.call(new Request.Watch(id, s.info().slug(), false), Reply.Watching.class);
            err.print("watching " + watching.slug() + " — q or ctrl-c goes back to khlone top\r\n");
            err.flush();
            AtomicBoolean ended = new AtomicBoolean();
            Thread stream = new Thread(() -> {
                try {
                    WatchCommand.stream(c, id, new WatchView(WatchView.Style.RENDERED, new FileOutputStream(FileDescriptor.out)));
                } catch (RuntimeException e) {
                    // closed below, or the daemon went: the dashboard says which
                } finally {
                    ended.set(true);
                    keys.wake();
                }
            }, "top-watch");
            stream.setDaemon(true);
            stream.start();
            while (!ended.get()) {
                Integer key = keys.take();
                if (key == 'q' || key == 3) {
                    break;
                }
            }
            c.close();
            stream.join(2000);
            footer = "back from watching " + s.info().slug();
        } catch (KhloneException e) {
            footer = "cannot watch " + s.info().slug() + ": " + e.getMessage();
        } finally {
            resume();
        }
    }

    /** Raw keys: no echo, no line editing, ctrl-c a key; output still turns \n into \r\n. */
    private Attributes raw() {
        Attributes raw = new Attributes(cooked);
        raw.setLocalFlags(EnumSet.of(Attributes.LocalFlag.ICANON, Attributes.LocalFlag.ECHO,
                Attributes.LocalFlag.IEXTEN, Attributes.LocalFlag.ISIG), false);
        raw.setInputFlags(EnumSet.of(Attributes.InputFlag.IXON, Attributes.InputFlag.ICRNL, Attributes.InputFlag.INLCR), false);
        raw.setControlChar(Attributes.ControlChar.VMIN, 1);
        raw.setControlChar(Attributes.ControlChar.VTIME, 0);
        return raw;
    }

    /** Full screen: the alternate screen, no cursor, raw keys; redrawn on a resize. */
    private void enter() {
        terminal.setAttributes(raw());
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
        display = new Display(terminal, true);
        Signal.handle(new Signal("WINCH"), s -> keys.wake());
        draw();
    }

    /** Gives the terminal back as it was, for a talk or a watch: {@link #resume} comes back. */
    private void pause() {
        terminal.puts(Capability.cursor_visible);
        terminal.puts(Capability.exit_ca_mode);
        terminal.flush();
        terminal.setAttributes(cooked);
    }

    private void resume() {
        keys.dropWakes();
        enter();
    }

    private final Object left = new Object();
    private boolean restored;

    /** Puts the terminal back as it was; once, from whichever way out comes first. */
    private void leave() {
        synchronized (left) {
            if (restored || terminal == null) {
                return;
            }
            restored = true;
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(cooked);
        }
    }

    private void closeTerminal() {
        if (terminal != null) {
            try {
                terminal.close();
            } catch (IOException ignored) {
                // the terminal is gone already
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // a talk's keys: nothing to close
        }
    }
}
