package dev.khlone.daemon.watch;

import dev.khlone.daemon.screen.ScreenMirror;
import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.EventFrames;
import dev.khlone.protocol.wire.OutputFrames;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everyone looking at one clone: watchers and its talker. It fans the brain's output out to each
 * without ever waiting for one: each chunk is encoded once, and a client that falls behind its
 * bound misses output (each entry is sent as its transcript line, encoded once for the disk and
 * every watcher); once it has caught up it is told so and brought back (a TUI's screen
 * redrawn; a raw watcher sent what it missed from the last {@value #TAIL} bytes of output, from a
 * line's start; the others the history they missed, up to the last {@value #HISTORY} entries), so a
 * stalled terminal never slows the brain or the other watchers and still sees how things ended.
 * It keeps the clone's recent history and its screen, so a watcher who attaches mid-task sees
 * where things stand first.
 */
public final class Audience {
    /** Entries of history kept for new and for lagging watchers of a clone in dispatch. */
    static final int HISTORY = 100;
    /** Bytes of output kept, once a raw watcher came, for raw watchers that lag: a turn's last lines. */
    static final int TAIL = 256 << 10;
    /** A lagging client is resynchronised once this little is left in its queue. */
    static final long RESYNC_BELOW = 1L << 20;
    /** How often a lagging client is looked at, when the brain has gone quiet meanwhile. */
    private static final long RESYNC_CHECK_MS = 200;
    private static final ScheduledExecutorService RESYNC = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watch-resync");
        t.setDaemon(true);
        return t;
    });

    private final String slug;
    private final Deque<Entry> history = new ArrayDeque<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private ScreenMirror screen;
    /** While a TUI starts and no terminal shows it yet, where the mirror's answers to its queries go; else null. */
    private Consumer<byte[]> answerer;
    private Tail tail;
    private long sequence;

    /** An entry of the history, with the body of its event frames (its transcript line). */
    private record Entry(long sequence, byte[] body) {}

    /** One client's view: {@code re} names its watch (or talk) request; raw ones get bytes in dispatch too. */
    private static final class Watcher {
        final Client client;
        final String re;
        final boolean raw;
        /** The start of each of its output frames. */
        final byte[] head;
        /** The start of each of its event frames. */
        final byte[] eventHead;
        long skipped;
        /** While it lags: the first history entry it missed. */
        long missedEntry;
        /** While it lags: the first byte of output it missed (raw watchers). */
        long missedByte;

        Watcher(Client client, String re, boolean raw, String slug) {
            this.client = client;
            this.re = re;
            this.raw = raw;
            this.head = OutputFrames.head(re);
            this.eventHead = EventFrames.head(re, slug);
        }

        boolean send(Entry e) {
            return client.sendFrame(eventHead, e.body());
        }

        /** {@link #send}, one of a chunk's entries: it goes out with them at {@link Audience#heard}. */
        boolean hold(Entry e) {
            return client.holdFrame(eventHead, e.body());
        }
    }

    public Audience(String slug) {
        this.slug = slug;
    }

    /** Adds a watcher: it is told the mode, then shown the screen or the recent history, then what comes. */
    public synchronized void watch(Client client, String re, boolean raw) {
        Watcher w = new Watcher(client, re, raw, slug);
        client.send(new Reply.Watching(re, slug, screen != null));
        if (screen != null) {
            client.send(new Push.Output(re, screen.redraw()));
        } else if (!raw) {
            for (Entry e : history) {
                w.send(e);
            }
        }
        if (raw && tail == null) {
            tail = new Tail(TAIL);
        }
        watchers.add(w);
        client.onClose(() -> watchers.remove(w));
    }

    /** Stops sending to {@code client}'s {@code re} stream. */
    public void leave(Client client, String re) {
        watchers.removeIf(w -> w.client == client && w.re.equals(re));
    }

    /**
     * The clone shows its TUI from now on, in a terminal of this size; the watchers are told
     * {@code why}, the talker is not (it asked for the talk, and would read it as a complaint).
     * Until {@link #attached}, the talker's client does not show the TUI's output, so no terminal
     * answers the queries a TUI makes as it starts: the mirror does, through {@code answerer}.
     */
    public synchronized void interactive(int cols, int rows, String why, Client talker, Consumer<byte[]> answerer) {
        screen = new ScreenMirror(cols, rows);
        this.answerer = answerer;
        for (Watcher w : watchers) {
            if (w.client != talker) {
                send(w, null, new Push.Notice(w.re, why), false);
            }
        }
    }

    /**
     * Sends {@code talking} to the talker: the output after it reaches the talker's terminal, which
     * answers the TUI from now on. Under this object's lock, so that each chunk of output is
     * answered once, by the mirror or by the terminal.
     */
    public synchronized void attached(Client talker, Reply talking) {
        answerer = null;
        talker.send(talking);
    }

    /** The clone is back on its queue. */
    public synchronized void dispatch(String why) {
        screen = null;
        answerer = null;
        notice(why);
    }

    public synchronized void resize(int cols, int rows) {
        if (screen != null) {
            screen.resize(cols, rows);
        }
    }

    /** Push.Output of the brain, on its reader thread: never blocks. */
    public synchronized void bytes(byte[] bytes, int offset, int length) {
        boolean tui = screen != null;
        if (tui) {
            byte[] answers = screen.feed(bytes, offset, length);
            if (answers.length > 0 && answerer != null) {
                answerer.accept(answers); // queued for the TUI's input: never blocks
            }
        }
        if (tail != null) {
            tail.append(bytes, offset, length);
        }
        byte[] body = null;
        for (Watcher w : watchers) {
            if (!tui && !w.raw) {
                continue;
            }
            if (w.skipped > 0) {
                if (!resync(w)) {
                    w.skipped += length;
                }
                continue; // brought back, by a redraw or the tail, which hold these bytes too
            }
            if (body == null) {
                body = OutputFrames.body(bytes, offset, length);
            }
            if (!w.client.sendFrame(w.head, body)) {
                lags(w, length, sequence + 1, tail == null ? 0 : tail.written() - length);
            }
        }
    }

    /**
     * One thing the clone did, {@code line} its transcript line ({@link TranscriptEntry#toLine}): kept
     * for new and lagging watchers, sent to those who read events; if {@code heard} (one of the
     * entries of a chunk of the brain's output), with the chunk's others at {@link #heard}.
     */
    public synchronized void entry(byte[] line, boolean heard) {
        Entry e = new Entry(++sequence, EventFrames.body(line));
        history.addLast(e);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        for (Watcher w : watchers) {
            if (!w.raw && screen == null) {
                send(w, e, null, heard);
            }
        }
    }

    /** The entries of a chunk of the brain's output are all here: they go out, one write per watcher. */
    public synchronized void heard() {
        for (Watcher w : watchers) {
            w.client.release();
        }
    }

    public synchronized void notice(String text) {
        for (Watcher w : watchers) {
            send(w, null, new Push.Notice(w.re, text), false);
        }
    }

    /** Sends {@code w} the {@code event} just added to the history (held, if {@code heard}), or else {@code notice}. */
    private void send(Watcher w, Entry event, Push.Notice notice, boolean heard) {
        if (w.skipped > 0) {
            if (!resync(w)) {
                w.skipped++;
                return;
            }
            if (event != null) {
                return; // the replayed history already holds it
            }
        }
        if (!(event == null ? w.client.send(notice) : heard ? w.hold(event) : w.send(event))) {
            // A refused event is the newest in the history and is replayed; anything else came after it.
            lags(w, 1, event != null ? sequence : sequence + 1, tail == null ? 0 : tail.written());
        }
    }

    private void lags(Watcher w, long skipped, long missedEntry, long missedByte) {
        w.skipped = skipped;
        w.missedEntry = missedEntry;
        w.missedByte = missedByte;
        RESYNC.schedule(() -> check(w), RESYNC_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** While {@code w} lags and nothing else happens, looks again whether it has caught up. */
    private synchronized void check(Watcher w) {
        if (w.skipped > 0 && watchers.contains(w) && !resync(w)) {
            RESYNC.schedule(() -> check(w), RESYNC_CHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Brings a lagging watcher back once it has caught up; false while it still lags. */
    private boolean resync(Watcher w) {
        if (w.client.backlog() > RESYNC_BELOW) {
            return false;
        }
        long skipped = w.skipped;
        w.skipped = 0;
        if (screen == null && w.raw) {
            long from = tail.resumeAt(w.missedByte);
            if (from > w.missedByte) {
                w.client.send(skipped(w, from - w.missedByte));
            }
            if (from < tail.written()) {
                w.client.send(new Push.Output(w.re, tail.since(from)));
            }
            return true;
        }
        w.client.send(skipped(w, skipped));
        if (screen != null) {
            w.client.send(new Push.Output(w.re, screen.redraw()));
        } else {
            for (Entry e : history) {
                if (e.sequence() >= w.missedEntry) {
                    w.send(e);
                }
            }
        }
        return true;
    }

    private Push.Notice skipped(Watcher w, long bytes) {
        return new Push.Notice(w.re, "skipped " + bytes + " bytes of " + slug + "'s output while this terminal was not keeping up");
    }
}
