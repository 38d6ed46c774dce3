package dev.khlone.daemon.watch;

/**
 * The last bytes a clone wrote, counted from its first: a raw watcher that fell behind is sent what
 * it missed from here, so it still sees how a turn ended (a pipe has no screen to redraw).
 */
final class Tail {
    private final byte[] ring;
    private long written;

    Tail(int capacity) {
        ring = new byte[capacity];
    }

    /** How many bytes were ever appended: the position of the next one. */
    long written() {
        return written;
    }

    void append(byte[] bytes, int offset, int length) {
        int skip = Math.max(0, length - ring.length);
        for (int done = skip; done < length; ) {
            int at = (int) ((written + done) % ring.length);
            int n = Math.min(length - done, ring.length - at);
            System.arraycopy(bytes, offset + done, ring, at, n);
            done += n;
        }
        written += length;
    }

    /**
     * Where what is sent to a watcher that missed everything from {@code from} begins: there, if
     * those bytes are still kept, or else at the first whole line kept.
     */
    long resumeAt(long from) {
        long kept = Math.max(0, written - ring.length);
        if (from >= kept) {
            return from;
        }
        for (long p = kept; p < written; p++) {
            if (ring[(int) (p % ring.length)] == '\n') {
                return p + 1 == written ? kept : p + 1;
            }
        }
        return kept;
    }

    /** The bytes from {@code position} (at least {@link #resumeAt} of it) to the newest. */
    byte[] since(long position) {
        byte[] out = new byte[(int) (written - position)];
        for (int done = 0; done < out.length; ) {
            int at = (int) ((position + done) % ring.length);
            int n = Math.min(out.length - done, ring.length - at);
            System.arraycopy(ring, at, out, done, n);
            done += n;
        }
        return out;
    }
}
