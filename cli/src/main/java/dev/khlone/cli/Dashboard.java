package dev.khlone.cli;

import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
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
 * {@code khlone top}'s full screen (JLine): the crew of each followed zone as its daemon pushes it
 * ({@code follow}), redrawn on every push, on a resize and once a second for the ages; the keys
 * move the selection, talk to a clone, watch it or cancel its task. One thread reads the keyboard
 * for all of it (a talk's keys included, so that none is lost between the dashboard and a talk);
 * one reader thread per zone takes its pushes. The terminal is put back on every way out.
 */
final class Dashboard {
    /** What a zone's reader or a resize puts among the keys to have the screen redrawn. */
    private static final int WAKE = -1;
    private static final String KEYS = "↑↓/jk select  enter talk  w watch  c cancel  q quit";

    /** A zone followed: how to reach its daemon again (talk, watch, cancel) and the connection that follows it. */
    record Followed(DaemonConnector daemon, Connection connection) {}

    private final Host host;
    private final List<Followed> zones;
    private final byte detachKey;
    private final String detachName;
    private final PrintWriter err;
    /** Keys as they are typed (bytes), and {@link #WAKE}s. */
    private final LinkedBlockingDeque<Integer> keys = new LinkedBlockingDeque<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    /** Each zone's clones by slug, in the order they came; guarded by itself. */
    private final Map<Followed, Map<String, CloneInfo>> crews = new LinkedHashMap<>();
    /** The zones whose daemon went away; guarded by {@link #crews}. */
    private final List<Followed> gone = new ArrayList<>();
    private Terminal terminal;
    private Attributes cooked;
    private Display display;
    private int selected;
    /** The clone the selection was put on: it stays on it while clones before it come and go. */
    private Selected picked;
    /** A question on the footer line (cancel?), or a word about what just happened; null for the keys. */
    private String footer;
    /** The clone whose running task the footer asks to cancel. */
    private Selected cancelling;

    Dashboard(Host host, List<Followed> zones, byte detachKey, String detachName, PrintWriter err) {
        this.host = host;
        this.zones = List.copyOf(zones);
        this.detachKey = detachKey;
        this.detachName = detachName;
        this.err = err;
    }

    /** Runs until q, ctrl-c or the daemon's going; returns the exit code. */
    int run() {
        for (Followed z : zones) {
            String id = z.connection().id();
            Reply.ZoneStatus first = z.connection().call(new Request.Follow(id), Reply.ZoneStatus.class);
            Map<String, CloneInfo> crew = new LinkedHashMap<>();
            first.clones().forEach(c -> crew.put(c.slug(), c));
            crews.put(z, crew);
            Thread reader = new Thread(() -> follow(z, id), "top-follow");
            reader.setDaemon(true);
            reader.start();
        }
        Thread keyboard = new Thread(this::readKeys, "top-keys");
        keyboard.setDaemon(true);
        Thread restoreOnSignal = new Thread(this::leave);
        try {
            // No grapheme-cluster probe: its answer is read with a timeout, which leaves a JLine thread blocked on
            // stdin that takes the next key typed (the keyboard is top-keys' alone); no signal handlers either.
            terminal = TerminalBuilder.builder().system(true).nativeSignals(false).graphemeCluster(false).build();
            cooked = terminal.getAttributes();
            Runtime.getRuntime().addShutdownHook(restoreOnSignal);
            enter();
            keyboard.start();
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
            Integer key = keys.poll(1, TimeUnit.SECONDS); // a second at most between redraws: the ages move
            woken.set(false);
            if (key != null && key != WAKE) {
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
            synchronized (crews) {
                if (gone.size() == zones.size()) {
                    leave();
                    err.println(zones.size() > 1 ? "khlone: the zone daemons went away" : "khlone: the zone daemon went away");
                    err.println("  hint: khlone status starts it again; its crew and their queues are kept");
                    return ExitCode.UNREACHABLE;
                }
            }
            draw();
        }
    }

    /** ESC [ A (or ESC O A) is up, B down; whatever else follows ESC is dropped. */
    private void arrow() throws InterruptedException {
        Integer bracket = keys.poll(50, TimeUnit.MILLISECONDS);
        if (bracket == null || bracket != '[' && bracket != 'O') {
            return;
        }
        Integer code = keys.poll(50, TimeUnit.MILLISECONDS);
        if (code != null && code == 'A') {
            move(-1);
        } else if (code != null && code == 'B') {
            move(1);
        }
    }

    private void move(int by) {
        List<Selected> shown = shown();
        selected = shown.isEmpty() ? 0 : Math.max(0, Math.min(shown.size() - 1, selected + by));
        picked = shown.isEmpty() ? null : shown.get(selected);
        footer = null;
    }

    /** The zones still followed, as the layout's sections. */
    private List<TopLayout.Section> sections() {
        synchronized (crews) {
            List<TopLayout.Section> sections = new ArrayList<>();
            for (Map.Entry<Followed, Map<String, CloneInfo>> e : crews.entrySet()) {
                if (!gone.contains(e.getKey())) {
                    String label = zones.size() > 1 ? e.getKey().daemon().zone().id() + "  " + e.getKey().daemon().zone().root() : null;
                    sections.add(new TopLayout.Section(label, List.copyOf(e.getValue().values())));
                }
            }
            return sections;
        }
    }

    /** Every clone shown, with its zone, in the order shown. */
    private List<Selected> shown() {
        synchronized (crews) {
            List<Selected> shown = new ArrayList<>();
            for (Map.Entry<Followed, Map<String, CloneInfo>> e : crews.entrySet()) {
                if (!gone.contains(e.getKey())) {
                    e.getValue().values().forEach(c -> shown.add(new Selected(e.getKey(), c)));
                }
            }
            return shown;
        }
    }

    /** The selected clone and the zone it is in, or null. */
    private Selected selection() {
        List<Selected> shown = shown();
        return selected < shown.size() ? shown.get(selected) : null;
    }

    private record Selected(Followed zone, CloneInfo info) {}

    private void draw() {
        Size size = terminal.getSize();
        int cols = Math.max(20, size.getColumns());
        int rows = Math.max(TopLayout.CHROME + 2, size.getRows());
        List<TopLayout.Section> sections = sections();
        List<CloneInfo> all = TopLayout.clones(sections);
        if (picked != null) {
            List<Selected> shown = shown();
            for (int i = 0; i < shown.size(); i++) {
                if (shown.get(i).zone() == picked.zone() && shown.get(i).info().slug().equals(picked.info().slug())) {
                    selected = i;
                }
            }
        }
        selected = Math.max(0, Math.min(selected, all.size() - 1));
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
        Selected s = selection();
        if (s == null || s.info().task() == null) {
            footer = s == null ? "no clone selected" : s.info().slug() + " runs no task; nothing to cancel";
            return;
        }
        cancelling = s;
        footer = "cancel " + s.info().task() + ", the task " + s.info().slug() + " runs? y/n";
    }

    private void confirmCancel(int key) {
        Selected s = cancelling;
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
        Selected s = selection();
        if (s == null) {
            return;
        }
        pause();
        Keyboard keyboard = new Keyboard();
        try (Connection c = s.zone().daemon().connectOrStart().connection()) {
            TalkSession.run(c, s.info().slug(), false, detachKey, detachName, host.brainEnvironment(), err, keyboard);
            footer = "back from " + s.info().slug();
        } catch (KhloneException e) {
            footer = "cannot talk to " + s.info().slug() + ": " + e.getMessage();
        } finally {
            keyboard.close();
            err.flush();
            resume();
        }
    }

    /** Watches the selected clone until q or ctrl-c, then comes back. */
    private void watch() throws InterruptedException {
        Selected s = selection();
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
                    wake();
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
        Signal.handle(new Signal("WINCH"), s -> wake());
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
        keys.removeIf(k -> k == WAKE);
        woken.set(false);
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

    private void wake() {
        if (woken.compareAndSet(false, true)) {
            keys.add(WAKE);
        }
    }

    /** A zone's pushes until its daemon goes away. */
    private void follow(Followed z, String id) {
        try {
            Reply r;
            while ((r = z.connection().next()) != null) {
                if (!id.equals(r.re())) {
                    continue;
                }
                synchronized (crews) {
                    Map<String, CloneInfo> crew = crews.get(z);
                    if (r instanceof Push.CloneChanged changed) {
                        crew.put(changed.info().slug(), changed.info());
                    } else if (r instanceof Push.CloneLeft leftCrew) {
                        crew.remove(leftCrew.slug());
                    }
                }
                wake();
            }
        } catch (KhloneException e) {
            // the connection failed: the daemon is gone, as far as the dashboard can tell
        }
        synchronized (crews) {
            gone.add(z);
        }
        wake();
    }

    /** Reads the terminal's keys for as long as the dashboard runs. */
    private void readKeys() {
        InputStream in = new FileInputStream(FileDescriptor.in);
        byte[] buf = new byte[256];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    keys.add(buf[i] & 0xff);
                }
            }
        } catch (IOException e) {
            // the terminal is gone: q is all that is left to do
        }
        keys.add((int) 'q');
    }

    /**
     * The keys as a talk reads them, from the same keyboard thread: wakes are skipped, and once
     * closed it ends, leaving the next key for the dashboard.
     */
    private final class Keyboard extends InputStream {
        private volatile boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                while (!closed) {
                    Integer key = keys.poll(100, TimeUnit.MILLISECONDS);
                    if (key == null || key == WAKE) {
                        continue;
                    }
                    if (closed) {
                        keys.addFirst(key); // the talk ended meanwhile: the key is the dashboard's
                        break;
                    }
                    int n = 0;
                    b[off + n++] = (byte) (int) key;
                    Integer more;
                    while (n < len && (more = keys.peekFirst()) != null && more != WAKE) {
                        b[off + n++] = (byte) (int) keys.pollFirst();
                    }
                    return n;
                }
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
