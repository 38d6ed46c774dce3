package dev.khlone.daemon.brain;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.BrainCli;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The generic {@link BrainCli}: keeps one brain process alive for a clone, on pipes in dispatch
 * and in a PTY in interactive, knows from the dialect's events when a turn ends, and keeps the
 * series across reboots. Everything it knows about a particular CLI comes from its {@link Brain}.
 *
 * <p>State changes under one lock; reader threads only decode and hand events on, and futures
 * and listeners are completed outside the lock.
 */
public final class BrainHandle implements BrainCli {
    private static final Logger LOG = Logger.getLogger(BrainHandle.class.getName());
    /** How long a brain may take to end on its own: a loaded machine can make claude's orderly exit slow. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final String name;
    private final String marker;
    private final Brain brain;
    private final Options options;
    private final List<DataListener> dataListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<BrainEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<ExitListener> exitListeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private boolean booted;
    private Mode mode = Mode.DISPATCH;
    private Series series;
    /** The latest TUI session: what it began since it started is its own. */
    private Talk talk;
    private TaskMode permissions = TaskMode.ACT;
    private boolean perTask;
    private Spawned live;
    private Dialogue dialogue;
    private Turn turn;
    private int cols = 120;
    private int rows = 40;
    private volatile boolean abandoned;

    /**
     * A TUI session: the series it was launched on (a dispatch process stopped for it may still
     * report the session it had opened, too late for the TUI) and when.
     */
    private record Talk(Series on, Instant started) {}

    /** A turn in flight and the process running it. */
    private record Turn(CompletableFuture<BrainEvent.TurnCompleted> future, Spawned process) {}

    /** The turn could not end; {@link #reason} says why, which decides what becomes of its task. */
    public static final class TurnFailed extends RuntimeException {
        /** Why a turn did not end with its own result. */
        public enum Reason {
            /** The brain said the turn failed (a {@code Failed} event). */
            REPORTED,
            /** The process ended before the turn did: a crash. */
            EXITED,
            /** {@link #reboot} or {@link #kill} cut it short, on purpose. */
            INTERRUPTED
        }

        private final Reason reason;

        TurnFailed(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /**
     * {@code name} labels logs and threads (the clone's slug); {@code marker} tags every process
     * of this brain, unique to it on the machine (see {@link Orphans#endMarked}); {@code series}
     * is new or one to resume.
     */
    public BrainHandle(String name, String marker, Brain brain, Series series, Options options) {
        this.name = name;
        this.marker = marker;
        this.brain = brain;
        this.series = series;
        this.options = options;
    }

    @Override
    public Mode mode() {
        synchronized (lock) {
            return mode;
        }
    }

    @Override
    public Series series() {
        synchronized (lock) {
            return series;
        }
    }

    @Override
    public OptionalLong pid() {
        synchronized (lock) {
            return live == null ? OptionalLong.empty() : OptionalLong.of(live.pid);
        }
    }

    /**
     * When the TUI session now running began, if it runs on a series not begun yet: what it begins is
     * the clone's, and only the brain can say which conversation that is. Kept in the crew file, so
     * that a daemon that dies during the talk leaves it to the next one ({@link #talkedSince}).
     */
    public Optional<Instant> talkSince() {
        synchronized (lock) {
            return mode == Mode.INTERACTIVE && talk != null && !talk.on().started() ? Optional.of(talk.started())
                    : Optional.empty();
        }
    }

    /** Before the first boot: a talk on this (unbegun) series began at {@code since} under a daemon that died. */
    public void talkedSince(Instant since) {
        synchronized (lock) {
            if (booted) {
                throw new IllegalStateException(name + " is already running");
            }
            talk = new Talk(series, since);
        }
    }

    @Override
    public void enboot(Mode mode) throws IOException {
        synchronized (lock) {
            if (booted) {
                throw new IllegalStateException(name + " is already running; reboot it instead");
            }
            if (!series.started() && (series.id() != null || talk != null)) {
                // A daemon stopped or killed during a talk kept the series as the talk found it, but its TUI may have
                // begun it since: a chosen id (claude's) can be asked after; a conversation the CLI named itself
                // (codex, opencode) is found by when the talk began, which the crew file kept.
                brain.afterTalk(series, options, talk == null ? Instant.now() : talk.started())
                        .ifPresent(begun -> series = begun);
            }
            spawn(mode);
            booted = true;
        }
    }

    @Override
    public void reboot(Mode mode) throws IOException {
        Turn interrupted;
        synchronized (lock) {
            stopLive();
            interrupted = takeTurn();
            Orphans.endMarked(marker);
            spawn(mode);
            booted = true;
        }
        fail(interrupted, TurnFailed.Reason.INTERRUPTED, brain.name() + " was rebooted during the turn");
    }

    @Override
    public void kill() {
        Turn interrupted;
        synchronized (lock) {
            stopLive();
            interrupted = takeTurn();
            Orphans.endMarked(marker);
            booted = false;
        }
        fail(interrupted, TurnFailed.Reason.INTERRUPTED, brain.name() + " was killed during the turn");
    }

    /** Leaves the brain running and stops watching it, as a daemon killed with -9 would (for tests). */
    public void abandon() {
        abandoned = true;
    }

    @Override
    public CompletableFuture<BrainEvent.TurnCompleted> ask(Prompt prompt) {
        return submit(prompt, TaskMode.ASK);
    }

    @Override
    public CompletableFuture<BrainEvent.TurnCompleted> act(Prompt prompt) {
        return submit(prompt, TaskMode.ACT);
    }

    private CompletableFuture<BrainEvent.TurnCompleted> submit(Prompt prompt, TaskMode taskMode) {
        synchronized (lock) {
            if (!booted) {
                throw new IllegalStateException(name + " has no running brain: boot it first");
            }
            if (mode != Mode.DISPATCH) {
                throw new IllegalStateException(name + " is in interactive mode: a person has the brain, prompts wait for dispatch");
            }
            if (turn != null) {
                throw new IllegalStateException(name + " is busy with a turn");
            }
            try {
                if (perTask) {
                    permissions = taskMode;
                    spawnDispatch();
                } else if (live == null) {
                    throw new IllegalStateException(name + "'s brain process has exited: reboot it");
                } else if (taskMode != permissions
                        && !brain.dispatch(series, taskMode, options).equals(brain.dispatch(series, permissions, options))) {
                    // ask and act differ in the launch (claude's permission flags): relaunch on the same series.
                    stopLive();
                    permissions = taskMode;
                    spawnDispatch();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot start " + brain.name(), e);
            }
            permissions = taskMode;
            Turn t = new Turn(new CompletableFuture<>(), live);
            turn = t;
            live.write(dialogue.encode(prompt, taskMode));
            if (perTask) {
                live.closeInput();
            }
            return t.future;
        }
    }

    @Override
    public void write(byte[] bytes) {
        synchronized (lock) {
            if (live == null) {
                throw new IllegalStateException(name + " has no running brain process to write to");
            }
            live.write(bytes);
        }
    }

    @Override
    public void resize(int cols, int rows) {
        synchronized (lock) {
            this.cols = cols;
            this.rows = rows;
            if (live != null) {
                live.resize(cols, rows);
            }
        }
    }

    @Override
    public void onData(DataListener listener) {
        dataListeners.add(listener);
    }

    @Override
    public void onEvent(Consumer<BrainEvent> listener) {
        eventListeners.add(listener);
    }

    @Override
    public void onExit(ExitListener listener) {
        exitListeners.add(listener);
    }

    // --- under the lock

    private void spawn(Mode newMode) throws IOException {
        if (mode == Mode.INTERACTIVE && !talk.on().started()) {
            // Only the CLI knows whether the person typed a first turn, and codex and opencode name its conversation.
            brain.afterTalk(talk.on(), options, talk.started()).ifPresent(begun -> series = begun);
        }
        mode = newMode;
        if (newMode == Mode.INTERACTIVE) {
            talk = new Talk(series, Instant.now());
            LaunchSpec spec = brain.interact(series, options);
            live = watch(Spawned.pty(name, spec, marker, cols, rows, this::data));
            LOG.info(name + ": " + brain.name() + " interactive, pid " + live.pid + ", series " + series.id());
            return;
        }
        perTask = !brain.dispatch(series, permissions, options).persistent();
        if (!perTask) {
            spawnDispatch();
        }
    }

    private void spawnDispatch() throws IOException {
        LaunchSpec spec = brain.dispatch(series, permissions, options);
        Dialogue d = brain.dialogue(series, options);
        Spawned[] self = new Spawned[1];
        Dialogue.Sink sink = new Dialogue.Sink() {
            @Override
            public void event(BrainEvent event) {
                handle(event, self[0]);
            }

            @Override
            public void reply(byte[] bytes) {
                self[0].write(bytes);
            }
        };
        Spawned s = Spawned.pipes(name, spec, marker, (bytes, length) -> {
            data(bytes, length);
            d.decode(bytes, 0, length, sink);
        });
        self[0] = s;
        dialogue = d;
        live = watch(s);
        byte[] opening = d.opening();
        if (opening.length > 0) {
            s.write(opening);
        }
        if (!perTask) {
            LOG.info(name + ": " + brain.name() + " dispatch (" + permissions.name().toLowerCase() + "), pid " + s.pid
                    + ", series " + series.id());
        }
    }

    /** Ends the live process; one busy with a turn is not given the time to finish it. */
    private void stopLive() {
        if (live != null) {
            live.stop(GRACE, turn != null && turn.process == live);
            live = null;
        }
    }

    private Turn takeTurn() {
        Turn t = turn;
        turn = null;
        return t;
    }

    // --- on reader and watcher threads

    private void data(byte[] bytes, int length) {
        for (DataListener l : dataListeners) {
            l.data(bytes, 0, length);
        }
    }

    private void handle(BrainEvent event, Spawned source) {
        Turn ended = null;
        synchronized (lock) {
            if (event instanceof BrainEvent.SessionStarted) {
                series = Series.started(((BrainEvent.SessionStarted) event).series());
            } else if (event instanceof BrainEvent.TurnCompleted || event instanceof BrainEvent.Failed) {
                // A turn may end twice (claude's own turn on a background subagent's report): only the first ends ours.
                if (turn != null && turn.process == source) {
                    ended = takeTurn();
                }
            }
        }
        for (Consumer<BrainEvent> l : eventListeners) {
            l.accept(event);
        }
        if (ended != null) {
            if (event instanceof BrainEvent.Failed) {
                ended.future.completeExceptionally(
                        new TurnFailed(TurnFailed.Reason.REPORTED, ((BrainEvent.Failed) event).message()));
            } else {
                ended.future.complete((BrainEvent.TurnCompleted) event);
            }
        }
    }

    private Spawned watch(Spawned s) {
        Thread t = new Thread(() -> {
            int code;
            try {
                code = s.awaitExit();
            } catch (InterruptedException e) {
                return;
            }
            exited(s, code);
        }, name + "-" + s.pid + "-exit");
        t.setDaemon(true);
        t.start();
        return s;
    }

    private void exited(Spawned s, int code) {
        if (abandoned) {
            return;
        }
        Turn lost = null;
        boolean expected;
        synchronized (lock) {
            if (turn != null && turn.process == s) {
                lost = takeTurn();
            }
            // A per-task process that finished its turn ends as it should.
            expected = s.expected() || (perTask && !s.pty && lost == null);
            if (live == s) {
                live = null;
            }
            if (!expected && live == null) {
                // A crash: what its tools started must not go on while the task waits to run again.
                Orphans.endMarked(marker);
            }
        }
        if (!expected) {
            LOG.warning(name + ": " + brain.name() + " (pid " + s.pid + ") exited with code " + code
                    + (s.stderrTail().isEmpty() ? "" : ": " + s.stderrTail()));
        }
        String tail = s.stderrTail();
        fail(lost, TurnFailed.Reason.EXITED, brain.name() + " exited with code " + code + " before the turn ended"
                + (tail.isEmpty() ? "" : ": " + tail));
        for (ExitListener l : exitListeners) {
            try {
                l.exited(s.pid, code, expected);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": exit listener failed", e);
            }
        }
    }

    private static void fail(Turn turn, TurnFailed.Reason reason, String message) {
        if (turn != null) {
            turn.future.completeExceptionally(new TurnFailed(reason, message));
        }
    }
}
