package dev.khlone.daemon.brain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keys a person types while a TUI starts, kept until it takes them. opencode reads its terminal
 * for seconds before its prompt takes keys, and drops what comes meanwhile; claude takes the words
 * early but not yet the Enter after them. A TUI shows its cursor once its prompt is there (opencode
 * after ~8 s; codex and claude within a second, claude a little before its prompt is drawn), so keys
 * wait for the first "show cursor" in its output and then for the drawing to settle ({@link #QUIET}
 * without output), or {@link #AT_MOST} after the start for a TUI that never gets there. The
 * terminal's answers to the TUI's own queries (cursor position, device attributes, colours, modes)
 * never wait: it asks them while it starts, and answers that came late would read as keys. What
 * was kept goes in pieces, each Enter {@link #ENTER_APART} after the keys before it: a TUI takes
 * keys that come all at once for a paste, in which Enter is a new line (codex does), not a submit.
 */
final class Typeahead {
    static final Duration AT_MOST = Duration.ofSeconds(15);
    static final Duration QUIET = Duration.ofMillis(300);
    static final Duration ENTER_APART = Duration.ofMillis(150);
    /** Past this, what was typed goes as it is: a paste that large is not lost to a slow start. */
    private static final int MAX_HELD = 1 << 20;
    private static final byte[] SHOW_CURSOR = "\u001b[?25h".getBytes(StandardCharsets.US_ASCII);
    private static final byte ESC = 0x1b;

    private final Consumer<byte[]> tui;
    private final long quietNanos;
    // Guarded by this.
    private boolean shown;
    private long lastOutputNanos;
    private boolean checking;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** What was kept, still to go once ready: pieces that each begin with an Enter but the first. */
    private final Deque<byte[]> going = new ArrayDeque<>();
    private boolean ready;
    /** How much of {@link #SHOW_CURSOR} the output has ended with: it may be split across chunks. */
    private int matched;

    /** Writes go to {@code tui} (queued for the process, so never blocking). */
    Typeahead(Consumer<byte[]> tui) {
        this(tui, QUIET, AT_MOST);
    }

    Typeahead(Consumer<byte[]> tui, Duration quiet, Duration atMost) {
        this.tui = tui;
        this.quietNanos = quiet.toNanos();
        CompletableFuture.delayedExecutor(atMost.toMillis(), TimeUnit.MILLISECONDS).execute(this::ready);
    }

    /** The TUI's output, on its reader thread. */
    synchronized void heard(byte[] bytes, int length) {
        if (ready) {
            return;
        }
        lastOutputNanos = System.nanoTime();
        for (int i = 0; i < length && !shown; i++) {
            if (bytes[i] == SHOW_CURSOR[matched]) {
                shown = ++matched == SHOW_CURSOR.length;
            } else {
                matched = bytes[i] == SHOW_CURSOR[0] ? 1 : 0;
            }
        }
        if (shown && !checking) {
            checking = true;
            checkQuietIn(quietNanos);
        }
    }

    private void checkQuietIn(long nanos) {
        CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS).execute(this::checkQuiet);
    }

    private synchronized void checkQuiet() {
        long left = lastOutputNanos + quietNanos - System.nanoTime();
        if (left <= 0) {
            ready();
        } else {
            checkQuietIn(left);
        }
    }

    /** What the talker's terminal sent: keys and, among them, its answers to the TUI's queries. */
    synchronized void typed(byte[] bytes) {
        if (ready) {
            if (going.isEmpty()) {
                tui.accept(bytes);
            } else {
                going.add(bytes); // behind what was kept
            }
            return;
        }
        int keys = 0;
        int i = 0;
        while (i < bytes.length) {
            int end = bytes[i] == ESC ? answerEnd(bytes, i) : -1;
            if (end < 0) {
                i++;
                continue;
            }
            held.write(bytes, keys, i - keys);
            byte[] answer = new byte[end - i];
            System.arraycopy(bytes, i, answer, 0, answer.length);
            tui.accept(answer);
            keys = i = end;
        }
        held.write(bytes, keys, bytes.length - keys);
        if (held.size() > MAX_HELD) {
            ready();
        }
    }

    /** The TUI takes keys: what was kept goes first. */
    synchronized void ready() {
        if (ready) {
            return;
        }
        ready = true;
        byte[] kept = held.toByteArray();
        held.reset();
        int from = 0;
        for (int i = 1; i < kept.length; i++) {
            if (kept[i] == '\r') {
                going.add(Arrays.copyOfRange(kept, from, i));
                from = i;
            }
        }
        if (from < kept.length) {
            going.add(Arrays.copyOfRange(kept, from, kept.length));
        }
        goOn();
    }

    /** The next piece of what was kept, and the one after it later. */
    private synchronized void goOn() {
        byte[] piece = going.poll();
        if (piece != null) {
            tui.accept(piece);
        }
        if (!going.isEmpty()) {
            CompletableFuture.delayedExecutor(ENTER_APART.toMillis(), TimeUnit.MILLISECONDS).execute(this::goOn);
        }
    }

    /**
     * The end of the terminal's answer that starts at {@code at} (an ESC), or -1 if what starts
     * there is a key: a CSI ending in R (cursor position; a modified F3 reads alike, and is not
     * typed while a TUI starts), c (device attributes), n (status), t (window), $y (a mode's
     * state) or ?…u (keyboard flags); or an OSC, DCS, APC or PM string (colours, version, ...).
     */
    private static int answerEnd(byte[] b, int at) {
        if (at + 1 >= b.length) {
            return -1;
        }
        byte kind = b[at + 1];
        if (kind == ']' || kind == 'P' || kind == '_' || kind == '^') {
            for (int i = at + 2; i < b.length; i++) {
                if (b[i] == 0x07) {
                    return i + 1;
                }
                if (b[i] == ESC && i + 1 < b.length && b[i + 1] == '\\') {
                    return i + 2;
                }
            }
            return -1;
        }
        if (kind != '[') {
            return -1;
        }
        int i = at + 2;
        while (i < b.length && b[i] >= 0x20 && b[i] <= 0x3f) {
            i++;
        }
        if (i >= b.length || b[i] < 0x40 || b[i] > 0x7e) {
            return -1;
        }
        byte last = b[i];
        boolean dollar = b[i - 1] == '$';
        boolean question = b[at + 2] == '?';
        boolean answer = last == 'R' || last == 'c' || last == 'n' || last == 't' || dollar && last == 'y'
                || question && last == 'u';
        return answer ? i + 1 : -1;
    }
}
