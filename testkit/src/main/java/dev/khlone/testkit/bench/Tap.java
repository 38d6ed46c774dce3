package dev.khlone.testkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a process's stdout as fast as it comes and keeps count: its bytes, the flood's letters
 * (a 'y' after a 'y': 999 of each flood event's 1000, whether raw JSON or rendered), and when a
 * marker (the turn's last line) went by.
 */
final class Tap implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private volatile long bytes;
    private volatile long letters;
    private volatile long lastReadNanos;
    private volatile String awaited;
    private volatile long seenNanos;
    private volatile long bytesWhenSeen;

    Tap(Process process, String name) {
        this.process = process;
        this.reader = new Thread(this::read, "tap " + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buf = new byte[64 * 1024];
        byte last = 0;
        String carry = "";
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                long got = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == 'y' && last == 'y') {
                        got++;
                    }
                    last = b;
                }
                letters += got;
                bytes += n;
                lastReadNanos = System.nanoTime();
                String marker = awaited;
                if (marker != null && seenNanos == 0) {
                    String window = carry + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    if (window.contains(marker)) {
                        bytesWhenSeen = bytes;
                        seenNanos = lastReadNanos;
                    }
                    carry = window.substring(Math.max(0, window.length() - marker.length()));
                }
            }
        } catch (IOException e) {
            // the process went away: what it wrote is counted
        }
    }

    /** From now on, watch for {@code marker}. */
    void expect(String marker) {
        seenNanos = 0;
        // the stream is searched byte for byte: a marker's UTF-8 bytes as Latin-1 characters
        awaited = new String(marker.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Waits until the marker went by, or nothing came for {@code quietMs}, or {@code maxMs} passed; true if it went by. */
    boolean awaitMarker(long quietMs, long maxMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxMs * 1_000_000;
        long start = System.nanoTime();
        while (seenNanos == 0 && System.nanoTime() < deadline) {
            long lastActivity = Math.max(start, lastReadNanos);
            if (System.nanoTime() - lastActivity > quietMs * 1_000_000) {
                break;
            }
            Thread.sleep(5);
        }
        return seenNanos != 0;
    }

    boolean seen() {
        return seenNanos != 0;
    }

    /** When the marker went by, else when the last byte came. */
    long endNanos() {
        return seenNanos != 0 ? seenNanos : lastReadNanos;
    }

    long bytes() {
        return bytes;
    }

    /** Bytes read up to the marker, or all of them. */
    long bytesAtEnd() {
        return seenNanos != 0 ? bytesWhenSeen : bytes;
    }

    long letters() {
        return letters;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
