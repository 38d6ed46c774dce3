package dev.khlone.protocol.brain;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The handle the daemon holds for a clone's whole life: it keeps one brain process alive, hands
 * it prompts, and switches it between dispatch and interactive without losing the conversation.
 * The same handle survives every reboot; its pid changes.
 */
public interface BrainCli {
    /** Bytes the brain wrote: its stdout in dispatch, the PTY's output in interactive. */
    interface DataListener {
        void data(byte[] bytes, int offset, int length);
    }

    /** The process ended; {@code expected} when {@link #reboot} or {@link #kill} ended it, else it crashed. */
    interface ExitListener {
        void exited(long pid, int exitCode, boolean expected);
    }

    Mode mode();

    Series series();

    /** The live process's pid, or empty when there is none. */
    OptionalLong pid();

    /** First spawn. */
    void enboot(Mode mode) throws IOException;

    /** Ends the current process (an expected exit) and spawns again in {@code mode}, resuming the series. */
    void reboot(Mode mode) throws IOException;

    /** Ends the process and every process it started. */
    void kill();

    /**
     * Runs a turn that must not change the workspace. Completes with the turn's end (which may
     * report {@code isError}); completes exceptionally if the turn cannot end, e.g. the process died.
     *
     * @throws IllegalStateException in interactive mode, with no live process, or while a turn runs
     */
    CompletableFuture<BrainEvent.TurnCompleted> ask(Prompt prompt);

    /** Like {@link #ask}, with the permission set that may edit, write and run commands. */
    CompletableFuture<BrainEvent.TurnCompleted> act(Prompt prompt);

    /**
     * Keystrokes to the TUI in interactive mode. Dropped (false) in dispatch mode or with no live
     * process: a headless brain must never read a person's keys as its input.
     */
    boolean write(byte[] bytes);

    /** The terminal size the interactive TUI sees. */
    void resize(int cols, int rows);

    void onData(DataListener listener);

    /** Decoded events of dispatch turns. */
    void onEvent(Consumer<BrainEvent> listener);

    void onExit(ExitListener listener);
}
