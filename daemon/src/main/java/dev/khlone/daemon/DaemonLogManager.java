package dev.khlone.daemon;

import java.util.logging.LogManager;

/**
 * JUL's own shutdown hook resets the log manager, closing its handlers, possibly before our
 * shutdown hook has logged the orderly stop a SIGTERM starts. This manager keeps them open.
 */
public final class DaemonLogManager extends LogManager {
    @Override
    public void reset() {
        // Handlers stay open until the JVM is gone; nothing is buffered, so nothing is lost.
    }
}
