package dev.khlone.daemon.brain;

import dev.khlone.daemon.screen.ScreenMirror;
import dev.khlone.protocol.brain.Mode;
import java.time.Duration;

/** A handle's TUI as a person would see it: a 120x40 screen fed with its output while it is interactive. */
final class TuiScreen {
    private final ScreenMirror mirror = new ScreenMirror(120, 40);

    TuiScreen(BrainHandle handle) {
        handle.onData((bytes, offset, length) -> {
            if (handle.mode() == Mode.INTERACTIVE) {
                mirror.feed(bytes, offset, length);
            }
        });
    }

    String text() {
        return mirror.text();
    }

    /** Waits until the screen shows {@code text}; fails with the screen otherwise. */
    void await(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!mirror.text().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the screen never showed \"" + text + "\"; it shows:\n" + mirror.text());
            }
            Thread.sleep(50);
        }
    }
}
