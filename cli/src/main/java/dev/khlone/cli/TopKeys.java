package dev.khlone.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code khlone top}'s keyboard: one thread ({@code top-keys}) reads the terminal's keys for the
 * dashboard and, through {@link #forTalk}, for a talk begun from it, so that no key is lost
 * between the two; a zone's reader or a resize puts a {@link #WAKE} among them to have the screen
 * redrawn.
 */
final class TopKeys {
    /** Not a key: the screen should be redrawn. */
    static final int WAKE = -1;

    /** Keys as they are typed (bytes), and {@link #WAKE}s. */
    private final LinkedBlockingDeque<Integer> keys = new LinkedBlockingDeque<>();
    private final AtomicBoolean woken = new AtomicBoolean();

    /** Starts reading the terminal (stdin) for as long as the command runs; its end reads as q. */
    void start() {
        Thread keyboard = new Thread(this::read, "top-keys");
        keyboard.setDaemon(true);
        keyboard.start();
    }

    /** The next key or {@link #WAKE}, or null after {@code ms} without either. */
    Integer poll(long ms) throws InterruptedException {
        Integer key = keys.poll(ms, TimeUnit.MILLISECONDS);
        woken.set(false);
        return key;
    }

    Integer take() throws InterruptedException {
        return keys.take();
    }

    /** Asks for a redraw; one is enough however many come before it is seen. */
    void wake() {
        if (woken.compareAndSet(false, true)) {
            keys.add(WAKE);
        }
    }

    /** Drops the redraws asked for while the dashboard was away (it redraws as it comes back). */
    void dropWakes() {
        keys.removeIf(k -> k == WAKE);
        woken.set(false);
    }

    /** The keys as a talk reads them, until it is closed; the key after that is the dashboard's. */
    InputStream forTalk() {
        return new ForTalk();
    }

    private void read() {
        InputStream in = new FileInputStream(FileDescriptor.in);
        byte[] buf = new byte[256];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    keys.add(buf[i] & 0xff);
                }
            }
        } catch (IOException e) {
            // the terminal is gone: q is all that is left to do
        }
        keys.add((int) 'q');
    }

    /**
     * The keys as a talk reads them, from the same keyboard thread: wakes are skipped, and once
     * closed it ends, leaving the next key for the dashboard.
     */
    private final class ForTalk extends InputStream {
        private volatile boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                while (!closed) {
                    Integer key = keys.poll(100, TimeUnit.MILLISECONDS);
                    if (key == null || key == WAKE) {
                        continue;
                    }
                    if (closed) {
                        keys.addFirst(key); // the talk ended meanwhile: the key is the dashboard's
                        break;
                    }
                    int n = 0;
                    b[off + n++] = (byte) (int) key;
                    Integer more;
                    while (n < len && (more = keys.peekFirst()) != null && more != WAKE) {
                        b[off + n++] = (byte) (int) keys.pollFirst();
                    }
                    return n;
                }
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
