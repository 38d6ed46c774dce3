package dev.khlone.daemon.brain;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.BrainCli;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.Mode;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The generic {@link BrainCli}: keeps one brain process alive for a clone, on pipes in dispatch
 * and in a PTY in interactive, knows from the dialect's events when a turn ends, and keeps the
 * series across reboots. Everything it knows about a particular CLI comes from its {@link Brain};
 * starting and ending processes is {@link Launcher}'s, the series {@link Conversation}'s.
 *
 * <p>State changes under one lock, in steps that never wait for a process. A reboot lets go of
 * the live process under the lock (from then on that process's events and exit are an old
 * one's), then ends it and starts the next with no lock held, and installs the new one under the
 * lock unless a kill or another reboot came in meanwhile (a newer {@code generation}): then it
 * ends it again. So reader and exit threads, a talker's keystrokes and a kill from the stopping
 * thread never wait for a process to stop or start. Futures and listeners are completed outside
 * the lock.
 *
 * <p>Longer than 300 lines on purpose: the live process, its generation, the turn and the mode
 * are one state machine under one lock, and every step of a boot, reboot, kill, submit or exit
 * reads and changes several of them; split across classes, the lock and its invariants would be
 * too. What is not that machine lives apart: {@link Launcher}, {@link Conversation}, {@link Spawned},
 * {@link Typeahead}, {@link TurnFailed}.
 */
public final class BrainHandle implements BrainCli {
    private static final Logger LOG = Logger.getLogger(BrainHandle.class.getName());

    private final String name;
    private final Brain brain;
    /** The options of each start: the environment may have changed since the last (Roster.environment). */
    private final Supplier<Options> options;
    private final Launcher launcher;
    private final List<DataListener> dataListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<BrainEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<ExitListener> exitListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> decodedListeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    // Guarded by lock.
    private final Conversation conversation;
    private boolean booted;
    private Mode mode = Mode.DISPATCH;
    private TaskMode permissions = TaskMode.ACT;
    private boolean perTask;
    private Spawned live;
    /** The live TUI's keys, kept while it starts; null in dispatch. Set under lock, read by the reader without it. */
    private volatile Typeahead typeahead;
    private Dialogue dialogue;
    private Turn turn;
    private int cols = 120;
    private int rows = 40;
    /** The process a fresh reboot ended: a session it reports late is the conversation left behind. */
    private Spawned leftBehind;
    /** Counts reboots, kills and relaunches: a process started for an older one is not installed. */
    private long generation;

    /** A turn in flight and the process running it (null while a process for it is started). */
    private record Turn(CompletableFuture<BrainEvent.TurnCompleted> future, Spawned process) {}

    /** What a reboot or kill took from the handle under the lock, to end with none held. */
    private record LetGo(long generation, Spawned process, boolean busy, Turn interrupted, Conversation.Talk unsettled) {}

    /**
     * {@code name} labels logs and threads (the clone's slug); {@code marker} tags every process
     * of this brain, unique to it on the machine (see {@link Orphans#endMarked}); {@code series}
     * is new or one to resume.
     */
    public BrainHandle(String name, String marker, Brain brain, Series series, Supplier<Options> options) {
        this.name = name;
        this.brain = brain;
        this.options = options;
        this.conversation = new Conversation(series);
        this.launcher = new Launcher(name, marker, brain, options, new Launcher.Receiver() {
            @Override
            public void data(byte[] bytes, int length) {
                Typeahead keys = typeahead;
                if (keys != null) {
                    keys.heard(bytes, length);
                }
                dataListeners.forEach(l -> l.data(bytes, 0, length));
            }

            @Override
            public void event(BrainEvent event, Spawned source) {
                handle(event, source);
            }

            @Override
            public void decoded() {
                decodedListeners.forEach(Runnable::run);
            }

            @Override
            public void exited(Spawned process, int code) {
                BrainHandle.this.exited(process, code);
            }
        });
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
            return conversation.series();
        }
    }

    @Override
    public OptionalLong pid() {
        synchronized (lock) {
            return live == null ? OptionalLong.empty() : OptionalLong.of(live.pid);
        }
    }

    /** When the kernel started the process {@code pid}: the live process's is asked of /proc once. */
    public long startMs(long pid) {
        Spawned s;
        synchronized (lock) {
            s = live;
        }
        return s != null && s.pid == pid ? s.startMs() : Orphans.startMs(pid);
    }

    /**
     * When the TUI session now running began, if it runs on a series not begun yet: what it begins is
     * the clone's, and only the brain can say which conversation that is. Kept in the crew file, so
     * that a daemon that dies during the talk leaves it to the next one ({@link #talkedSince}).
     */
    public Optional<Instant> talkSince() {
        synchronized (lock) {
            return conversation.talkSince(mode);
        }
    }

    /** Before the first boot: a talk on this (unbegun) series began at {@code since} under a daemon that died. */
    public void talkedSince(Instant since) {
        synchronized (lock) {
            if (booted) {
                throw new IllegalStateException(name + " is already running");
            }
            conversation.talkedSince(since);
        }
    }

    @Override
    public void enboot(Mode mode) throws IOException {
        long g;
        Conversation.Talk unsettled;
        synchronized (lock) {
            if (booted) {
                throw new IllegalStateException(name + " is already running; reboot it instead");
            }
            g = ++generation;
            unsettled = conversation.unsettledAtBoot();
        }
        start(g, unsettled, mode);
    }

    @Override
    public void reboot(Mode mode) throws IOException {
        reboot(mode, null);
    }

    /**
     * A reboot onto a new conversation ({@code khlone reboot --fresh}): the brain's store keeps the
     * old one, which is never resumed again; what a TUI session had begun on it is not asked after.
     */
    public void rebootFresh(Mode mode) throws IOException {
        reboot(mode, brain.newSeries());
    }

    private void reboot(Mode mode, Series fresh) throws IOException {
        LetGo old;
        synchronized (lock) {
            old = letGo();
            if (fresh != null) {
                conversation.begin(fresh);
                leftBehind = old.process();
            }
        }
        fail(old.interrupted(), TurnFailed.Reason.INTERRUPTED, brain.name() + " was rebooted during the turn");
        launcher.end(old.process(), old.busy());
        launcher.sweep();
        start(old.generation(), fresh == null ? old.unsettled() : null, mode);
    }

    @Override
    public void kill() {
        LetGo old;
        synchronized (lock) {
            old = letGo();
            booted = false;
        }
        fail(old.interrupted(), TurnFailed.Reason.INTERRUPTED, brain.name() + " was killed during the turn");
        launcher.end(old.process(), old.busy());
        launcher.sweep();
    }

    @Override
    public CompletableFuture<BrainEvent.TurnCompleted> ask(Prompt prompt) {
        return submit(prompt, TaskMode.ASK);
    }

    @Override
    public CompletableFuture<BrainEvent.TurnCompleted> act(Prompt prompt) {
        return submit(prompt, TaskMode.ACT);
    }

    /**
     * Hands the prompt to the live process: the turn is taken at once, and a process it needs
     * (per task; a relaunch when ask and act differ in the launch) is started with no lock held.
     */
    private CompletableFuture<BrainEvent.TurnCompleted> submit(Prompt prompt, TaskMode taskMode) {
        Turn taken = new Turn(new CompletableFuture<>(), null);
        Series on;
        TaskMode had;
        boolean spawn;
        long g;
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
            if (!perTask && live == null) {
                throw new IllegalStateException(name + "'s brain process has exited: reboot it");
            }
            turn = taken;
            on = conversation.series();
            had = permissions;
            spawn = perTask;
            g = generation;
        }
        Launcher.Started started = null;
        try {
            if (spawn) {
                started = launcher.dispatch(on, taskMode, true);
            } else if (taskMode != had && launcher.relaunches(on, had, taskMode)) {
                Spawned old;
                synchronized (lock) {
                    if (generation != g) {
                        return taken.future; // a kill or reboot came in and failed the turn
                    }
                    g = ++generation;
                    old = live;
                    live = null;
                    if (old != null) {
                        old.retire();
                    }
                }
                launcher.end(old, false);
                started = launcher.dispatch(on, taskMode, false);
            }
        } catch (IOException e) {
            synchronized (lock) {
                if (turn == taken) {
                    turn = null;
                }
            }
            throw new UncheckedIOException(name + ": cannot start " + brain.name(), e);
        }
        synchronized (lock) {
            if (generation == g && turn == taken) {
                if (started != null) {
                    install(started);
                } else if (live == null) {
                    turn = null;
                    throw new IllegalStateException(name + "'s brain process has exited: reboot it");
                }
                permissions = taskMode;
                turn = new Turn(taken.future, live);
                live.write(dialogue.encode(prompt, taskMode));
                if (perTask) {
                    live.closeInput();
                }
                return taken.future;
            }
        }
        launcher.end(started == null ? null : started.process(), false);
        return taken.future; // a kill or reboot came in and failed the turn
    }

    /** Whether dispatch runs a process per task (codex exec, a single-shot profile) rather than one for every task. */
    public boolean perTask() {
        synchronized (lock) {
            return perTask;
        }
    }

    @Override
    public boolean write(byte[] bytes) {
        synchronized (lock) {
            if (live == null || mode != Mode.INTERACTIVE) {
                return false; // keys typed around a talk's start or end: a headless brain would read them as a prompt
            }
            typeahead.typed(bytes); // queued for the process's writer thread, or kept until the TUI takes keys
            return true;
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

    /**
     * Runs {@code listener} on the reader thread once the events of each chunk of output have been
     * told to the event listeners: what they gathered from one chunk can be written at once.
     */
    public void onDecoded(Runnable listener) {
        decodedListeners.add(listener);
    }

    // --- lifecycle steps

    /** Under the lock: a new generation; the live process and its turn are let go of, to be ended outside it. */
    private LetGo letGo() {
        Spawned old = live;
        live = null;
        typeahead = null;
        if (old != null) {
            old.retire();
        }
        Turn t = turn;
        turn = null;
        return new LetGo(++generation, old, old != null && t != null && t.process == old, t,
                conversation.unsettledOnLeaving(mode));
    }

    /**
     * With no lock held: asks the brain what a TUI session it is leaving began, starts the process
     * of {@code newMode} (none yet for a per-task brain) and installs it, unless generation {@code g}
     * is over: then what it started is ended and it throws.
     */
    private void start(long g, Conversation.Talk unsettled, Mode newMode) throws IOException {
        Optional<Series> begun = unsettled == null ? Optional.empty()
                : brain.afterTalk(unsettled.on(), options.get(), unsettled.started());
        Series on;
        TaskMode with;
        int c;
        int r;
        // The TUI's keys are kept from before it starts: the reader must see its first "show cursor",
        // which may come before the process is installed here. Kept keys go to it once it is.
        AtomicReference<Spawned> tuiProcess = new AtomicReference<>();
        Typeahead keys = newMode == Mode.INTERACTIVE ? new Typeahead(bytes -> {
            Spawned process = tuiProcess.get();
            if (process != null) {
                process.write(bytes);
            }
        }) : null;
        synchronized (lock) {
            if (generation != g) {
                throw superseded();
            }
            typeahead = keys;
            conversation.settle(begun);
            mode = newMode;
            if (newMode == Mode.INTERACTIVE) {
                conversation.talkBegins();
            }
            on = conversation.series();
            with = permissions;
            c = cols;
            r = rows;
        }
        boolean oneProcessPerTask = newMode == Mode.DISPATCH && launcher.perTask(on, with);
        Launcher.Started started = newMode == Mode.INTERACTIVE ? launcher.tui(on, c, r)
                : oneProcessPerTask ? null : launcher.dispatch(on, with, false);
        synchronized (lock) {
            if (generation == g) {
                perTask = oneProcessPerTask;
                booted = true;
                if (started != null) {
                    install(started);
                    tuiProcess.set(started.process());
                    if (cols != c || rows != r) {
                        live.resize(cols, rows); // the talker resized while the TUI started
                    }
                }
                return;
            }
        }
        launcher.end(started == null ? null : started.process(), false);
        throw superseded();
    }

    /** Under the lock: {@code started} is the live process from now on. */
    private void install(Launcher.Started started) {
        live = started.process();
        dialogue = started.dialogue();
        launcher.watch(live);
    }

    private IllegalStateException superseded() {
        return new IllegalStateException(name + " was killed or rebooted again while its brain started");
    }

    // --- on reader and exit threads

    private void handle(BrainEvent event, Spawned source) {
        Turn ended = null;
        synchronized (lock) {
            // leftBehind is null but after a fresh reboot; so may source be, for the first events of a
            // process heard before Launcher knew its Spawned: null must not read as the one left behind.
            if (event instanceof BrainEvent.SessionStarted && (leftBehind == null || source != leftBehind)) {
                conversation.started(((BrainEvent.SessionStarted) event).series());
            } else if (event instanceof BrainEvent.TurnCompleted || event instanceof BrainEvent.Failed) {
                // A turn may end twice (claude's own turn on a background subagent's report): only the first ends ours.
                if (turn != null && turn.process == source) {
                    ended = turn;
                    turn = null;
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

    private void exited(Spawned s, int code) {
        Turn lost = null;
        boolean expected;
        synchronized (lock) {
            if (turn != null && turn.process == s) {
                lost = turn;
                turn = null;
            }
            // A per-task process that finished its turn ends as it should.
            expected = s.expected() || (perTask && !s.pty && lost == null);
            if (live == s) {
                live = null;
                typeahead = null;
            }
        }
        String tail = s.stderrTail();
        if (!expected) {
            // A crash: what its tools started must not go on while the task waits to run again.
            launcher.sweepAfter(s);
            LOG.warning(name + ": " + brain.name() + " (pid " + s.pid + ") exited with code " + code
                    + (tail.isEmpty() ? "" : ": " + tail));
        }
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
