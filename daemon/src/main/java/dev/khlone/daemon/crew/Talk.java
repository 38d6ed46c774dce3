package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.server.Client;
import dev.khlone.daemon.watch.Audience;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.TaskInfo;
import java.util.function.Consumer;

/**
 * A person talking with a clone's brain in its own TUI: the one attached, or waiting to attach
 * (a talk asked for while a task runs comes before the rest of the queue), and what they and the
 * clone's watchers are told as it begins and ends. The clone's owner thread only; the clone
 * switches the brain between its modes.
 */
final class Talk {
    /** A person attached, or waiting to attach, to the clone's TUI. */
    static final class Talker {
        private final Client client;
        private final String re;
        private final int cols;
        private final int rows;
        private boolean attached;

        private Talker(Client client, String re, int cols, int rows) {
            this.client = client;
            this.re = re;
            this.cols = cols;
            this.rows = rows;
        }
    }

    private final String slug;
    private final BrainHandle handle;
    private final Audience audience;
    /** Sends to the talker go out with the clone's news, after the state they speak of is published. */
    private final Consumer<Runnable> tell;
    private Talker talker;
    /** The client whose keystrokes reach the TUI: set once it runs for them, cleared as the talk ends. Read on session readers. */
    private volatile Client keys;

    Talk(String slug, BrainHandle handle, Audience audience, Consumer<Runnable> tell) {
        this.slug = slug;
        this.handle = handle;
        this.audience = audience;
        this.tell = tell;
    }

    /** Whether {@code client} talks with the running TUI now. Any thread. */
    boolean takesKeysFrom(Client client) {
        return client != null && keys == client;
    }

    /** The talker, attached or waiting; null if nobody talks. */
    Talker talker() {
        return talker;
    }

    /** The talker if it talks through {@code client}; else null. */
    Talker of(Client client) {
        return talker != null && talker.client == client ? talker : null;
    }

    /**
     * {@code client} waits to attach, and meanwhile watches the clone; refused if someone else
     * talks (one person at a time drives a TUI) or the clone has failed ({@code failure}).
     */
    Talker join(Client client, String re, int cols, int rows, String failure) throws CrewException {
        if (talker != null) {
            throw new CrewException(ErrorCode.BUSY, slug + " is already talking with someone",
                    "watch it instead: khlone watch --who " + slug);
        }
        if (failure != null) {
            throw new CrewException(ErrorCode.BRAIN_UNAVAILABLE, slug + " has failed: " + failure,
                    "revive it first: khlone reboot " + slug);
        }
        talker = new Talker(client, re, cols, rows);
        audience.watch(client, re, true);
        return talker;
    }

    /** Someone waits to attach: the brain goes to them before the queue goes on. */
    boolean waiting() {
        return talker != null && !talker.attached;
    }

    /** The talker waits for {@code running} to end. */
    void waitFor(TaskInfo running, long nowMs) {
        notice("waiting for " + running.id() + " to finish (running for "
                + (nowMs - running.startedMs()) / 1000 + " s); --now interrupts it");
    }

    /** The talker had {@code task} stopped; it runs again after the talk. */
    void interrupted(TaskInfo task) {
        notice("interrupted " + task.id() + "; it runs again when you leave");
    }

    private void notice(String text) {
        Talker t = talker;
        tell.accept(() -> t.client.send(new Push.Notice(t.re, text)));
    }

    /** The waiting talker attaches: the brain gets its terminal's size, watchers see the screen. */
    Talker attach() {
        Talker t = talker;
        t.attached = true;
        handle.resize(t.cols, t.rows);
        audience.interactive(t.cols, t.rows, slug + " is talking with a person now; this is its screen", t.client,
                handle::write);
        return t;
    }

    /** The brain's TUI runs for {@code t}: it is told so. */
    void attached(Talker t) {
        keys = t.client;
        tell.accept(() -> audience.attached(t.client, new Reply.Talking(t.re, slug)));
    }

    /**
     * Ends the talk of {@code t}, if it is still the one, for {@code reason}; true if it was
     * attached, and the brain goes back to its queue.
     */
    boolean end(Talker t, String reason) {
        if (t == null || talker != t) {
            return false;
        }
        talker = null;
        keys = null;
        audience.leave(t.client, t.re);
        tell.accept(() -> t.client.send(new Push.TalkEnded(t.re, reason)));
        if (t.attached) {
            audience.dispatch(slug + " is back on its queue (" + reason + ")");
        }
        return t.attached;
    }
}
