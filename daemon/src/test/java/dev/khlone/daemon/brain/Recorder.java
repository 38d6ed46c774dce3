package dev.khlone.daemon.brain;

import dev.khlone.protocol.brain.BrainCli;
import dev.khlone.protocol.brain.BrainEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records what a handle reports, with waits that poll against a deadline rather than sleep blindly. */
final class Recorder {
    record Exit(long pid, int code, boolean expected) {}

    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final List<BrainEvent> events = new ArrayList<>();
    private final List<Exit> exits = new ArrayList<>();

    Recorder(BrainCli handle) {
        handle.onData((bytes, offset, length) -> {
            synchronized (this) {
                data.write(bytes, offset, length);
                notifyAll();
            }
        });
        handle.onEvent(e -> {
            synchronized (this) {
                events.add(e);
                notifyAll();
            }
        });
        handle.onExit((pid, code, expected) -> {
            synchronized (this) {
                exits.add(new Exit(pid, code, expected));
                notifyAll();
            }
        });
    }

    synchronized String output() {
        return data.toString(StandardCharsets.UTF_8);
    }

    synchronized List<Exit> exits() {
        return List.copyOf(exits);
    }

    synchronized List<BrainEvent> events() {
        return List.copyOf(events);
    }

    /** Waits until the output so far contains {@code text}; fails with the output otherwise. */
    String awaitOutput(String text, Duration timeout) throws InterruptedException {
        awaitState(() -> output().contains(text), timeout, () -> "output to contain \"" + text + "\"; it is:\n" + output());
        return output();
    }

    List<Exit> awaitExits(int count, Duration timeout) throws InterruptedException {
        awaitState(() -> exits().size() >= count, timeout, () -> count + " exits; got " + exits());
        return exits();
    }

    void awaitEvent(Predicate<BrainEvent> which, Duration timeout) throws InterruptedException {
        awaitState(() -> events().stream().anyMatch(which), timeout, () -> "an event; got " + events());
    }

    private synchronized void awaitState(java.util.function.BooleanSupplier done, Duration timeout,
                                         java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + timeout + " for " + what.get());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
