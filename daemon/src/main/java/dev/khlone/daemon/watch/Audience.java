package dev.khlone.daemon.watch;

import dev.khlone.daemon.screen.ScreenMirror;
import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Notice;
import dev.khlone.protocol.wire.Output;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.WatchEvent;
import dev.khlone.protocol.wire.Watching;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everyone looking at one clone: watchers and its talker. It fans the brain's output out to each
 * without ever waiting for one: a client that falls behind its bound misses output and is brought
 * back with a notice and, for a TUI, a redraw of the screen, so a stalled terminal never slows
 * the brain or the other watchers. It keeps the clone's recent history and its screen, so a
 * watcher who attaches mid-task sees where things stand first.
 */
public final class Audience {
    /** Entries of history a new watcher of a clone in dispatch is shown first. */
    static final int HISTORY = 100;
    /** A lagging client is resynchronised once this little is left in its queue. */
    static final long RESYNC_BELOW = 1L << 20;

    private final String slug;
    private final Deque<TranscriptEntry> history = new ArrayDeque<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private ScreenMirror screen;

    /** One client's view: {@code re} names its watch (or talk) request; raw ones get bytes in dispatch too. */
    private static final class Watcher {
        final Client client;
        final String re;
        final boolean raw;
        long skipped;

        Watcher(Client client, String re, boolean raw) {
            this.client = client;
            this.re = re;
            this.raw = raw;
        }
    }

    public Audience(String slug) {
        this.slug = slug;
    }

    /** Adds a watcher: it is told the mode, then shown the screen or the recent history, then what comes. */
    public synchronized void watch(Client client, String re, boolean raw) {
        Watcher w = new Watcher(client, re, raw);
        client.send(new Watching(re, slug, screen != null));
        if (screen != null) {
            client.send(new Output(re, screen.redraw()));
        } else if (!raw) {
            for (TranscriptEntry e : history) {
                client.send(new WatchEvent(re, slug, e));
            }
        }
        watchers.add(w);
        client.onClose(() -> watchers.remove(w));
    }

    /** Stops sending to {@code client}'s {@code re} stream. */
    public void leave(Client client, String re) {
        watchers.removeIf(w -> w.client == client && w.re.equals(re));
    }

    /** The clone shows its TUI from now on, in a terminal of this size. */
    public synchronized void interactive(int cols, int rows, String why) {
        screen = new ScreenMirror(cols, rows);
        notice(why);
    }

    /** The clone is back on its queue. */
    public synchronized void dispatch(String why) {
        screen = null;
        notice(why);
    }

    public synchronized void resize(int cols, int rows) {
        if (screen != null) {
            screen.resize(cols, rows);
        }
    }

    /** Output of the brain, on its reader thread: never blocks. */
    public synchronized void bytes(byte[] bytes, int offset, int length) {
        boolean tui = screen != null;
        if (tui) {
            screen.feed(bytes, offset, length);
        }
        byte[] data = null;
        for (Watcher w : watchers) {
            if (tui || w.raw) {
                if (data == null) {
                    data = Arrays.copyOfRange(bytes, offset, offset + length);
                }
                send(w, new Output(w.re, data), length);
            }
        }
    }

    /** One thing the clone did: kept for new watchers, sent to those who read events. */
    public synchronized void entry(TranscriptEntry entry) {
        history.addLast(entry);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        for (Watcher w : watchers) {
            if (!w.raw && screen == null) {
                send(w, new WatchEvent(w.re, slug, entry), 0);
            }
        }
    }

    public synchronized void notice(String text) {
        for (Watcher w : watchers) {
            send(w, new Notice(w.re, text), 0);
        }
    }

    private void send(Watcher w, Reply reply, int length) {
        if (w.skipped > 0) {
            if (w.client.backlog() > RESYNC_BELOW) {
                w.skipped += length;
                return;
            }
            long skipped = w.skipped;
            w.skipped = 0;
            w.client.send(new Notice(w.re, "skipped " + skipped + " bytes of " + slug
                    + "'s output while this terminal was not keeping up"));
            if (screen != null) {
                w.client.send(new Output(w.re, screen.redraw()));
                return; // the redraw already shows what this chunk drew
            }
        }
        if (!w.client.send(reply)) {
            w.skipped += Math.max(1, length);
        }
    }
}
