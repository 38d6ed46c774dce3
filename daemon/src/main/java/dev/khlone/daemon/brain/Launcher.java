package dev.khlone.daemon.brain;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Starts and ends the processes of one clone's brain, always with none of its handle's lock held:
 * a launch may read the brain's files (its binary on the PATH, codex's rollouts), a start forks,
 * and an end may take over ten seconds ({@link Spawned#stop}). It keeps no state: which process
 * is the live one is the handle's to say.
 */
final class Launcher {
    private static final Logger LOG = Logger.getLogger(Launcher.class.getName());
    /** How long a brain may take to end on its own: a loaded machine can make claude's orderly exit slow. */
    private static final Duration GRACE = Duration.ofSeconds(5);
    /** Runs the ends of processes on pipes (ending the group, waiting out their output); its threads go when idle. */
    private static final ExecutorService ENDS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "brain-ends");
        t.setDaemon(true);
        return t;
    });

    /** Where a process's output, decoded events and end go: its handle, on the process's reader and exit threads. */
    interface Receiver {
        void data(byte[] bytes, int length);

        void event(BrainEvent event, Spawned source);

        /** The events of one chunk of a dispatch process's output have all been told. */
        void decoded();

        void exited(Spawned process, int code);
    }

    /** A process just started and, in dispatch, the dialogue that reads its output (null for a TUI). */
    record Started(Spawned process, Dialogue dialogue) {}

    private final String name;
    private final String marker;
    private final Brain brain;
    private final Supplier<Options> options;
    private final Receiver receiver;

    Launcher(String name, String marker, Brain brain, Supplier<Options> options, Receiver receiver) {
        this.name = name;
        this.marker = marker;
        this.brain = brain;
        this.options = options;
        this.receiver = receiver;
    }

    /** Whether the brain runs one dispatch process per task (codex exec) rather than one for all. */
    boolean perTask(Series series, TaskMode permissions) {
        return !brain.dispatch(series, permissions, options.get()).persistent();
    }

    /** Whether a switch between these permission sets takes a new process (claude's permission flags). */
    boolean relaunches(Series series, TaskMode from, TaskMode to) {
        return !brain.dispatch(series, from, options.get()).equals(brain.dispatch(series, to, options.get()));
    }

    /** The brain's TUI on {@code series}, in a PTY of {@code cols}x{@code rows}. */
    Started tui(Series series, int cols, int rows) throws IOException {
        LaunchSpec spec = brain.interact(series, options.get());
        Spawned s = Spawned.pty(name, spec, marker, cols, rows, receiver::data);
        LOG.info(name + ": " + brain.name() + " interactive, pid " + s.pid + ", series " + series.id());
        return new Started(s, null);
    }

    /** A dispatch process on {@code series} with {@code permissions}, its dialogue opened. */
    Started dispatch(Series series, TaskMode permissions, boolean perTask) throws IOException {
        Options now = options.get();
        LaunchSpec spec = brain.dispatch(series, permissions, now);
        Dialogue d = brain.dialogue(series, now);
        Spawned[] self = new Spawned[1];
        Dialogue.Sink sink = new Dialogue.Sink() {
            @Override
            public void event(BrainEvent event) {
                receiver.event(event, self[0]);
            }

            @Override
            public void reply(byte[] bytes) {
                self[0].write(bytes);
            }
        };
        Spawned s = Spawned.pipes(name, spec, marker, (bytes, length) -> {
            receiver.data(bytes, length);
            d.decode(bytes, 0, length, sink);
            receiver.decoded();
        });
        self[0] = s;
        byte[] opening = d.opening();
        if (opening.length > 0) {
            s.write(opening);
        }
        if (!perTask) {
            LOG.info(name + ": " + brain.name() + " dispatch (" + permissions.name().toLowerCase() + "), pid " + s.pid
                    + ", series " + series.id());
        }
        return new Started(s, d);
    }

    /**
     * Tells the receiver when {@code s} has ended. A process on pipes is waited for by the JDK's
     * process reaper already, so only its end takes a thread, a shared one; pty4j's processes have
     * no such hook (their default {@code onExit} would block a common-pool thread each), so a PTY's
     * process is waited for on a thread of its own.
     */
    void watch(Spawned s) {
        Runnable ended = () -> {
            int code;
            try {
                code = s.awaitExit();
            } catch (InterruptedException e) {
                return;
            }
            receiver.exited(s, code);
        };
        if (!s.pty) {
            s.process.onExit().thenRunAsync(ended, ENDS);
            return;
        }
        Thread t = new Thread(ended, name + "-" + s.pid + "-exit");
        t.setDaemon(true);
        t.start();
    }

    /** Ends a process its handle let go of, if there is one; one busy with a turn is not given the time to finish it. */
    void end(Spawned s, boolean busy) {
        if (s != null) {
            s.stop(GRACE, busy);
        }
    }

    /** Ends whatever any process of this brain left running, before a new one starts or for good. */
    void sweep() {
        Orphans.endMarked(marker);
    }

    /** Ends what the crashed process {@code s} left running, and nothing of a process started since. */
    void sweepAfter(Spawned s) {
        Orphans.endRun(marker, s.run);
    }
}
