package dev.khlone.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scans of a byte array eight bytes at a time, for the loops every byte of a brain's output
 * passes through (its lines, the JSON of each text, a watcher's frames). The daemon and the
 * client run on C1, which neither vectorises a byte loop nor has the JDK's intrinsics for one:
 * a word at a time is faster there, measured alone: finding a newline 3.4 times, a plain run 1.8.
 */
public final class Bytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final long QUOTES = '"' * ONES;
    private static final long BACKSLASHES = '\\' * ONES;
    private static final long DELETES = 0x7f * ONES;
    private static final long SPACES = ' ' * ONES;

    private Bytes() {}

    /** The index of the first {@code b} in {@code a[from, to)}, or -1. */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        long bs = (b & 0xff) * ONES;
        int i = from;
        for (; i <= to - 8; i += 8) {
            long z = zero((long) LONGS.get(a, i) ^ bs);
            if (z != 0) {
                return i + (Long.numberOfTrailingZeros(z) >>> 3); // the lowest flag is exact
            }
        }
        for (; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first byte in {@code a[from, to)} that is not printable ASCII or that a JSON
     * string must escape: a control (below 0x20, or 0x7f), a byte of a multi-byte UTF-8 sequence
     * (0x80 and up), the quote or the backslash; {@code to} if there is none.
     */
    public static int plainRun(byte[] a, int from, int to) {
        return plainRun(a, from, to, (byte) '"');
    }

    /** {@link #plainRun(byte[], int, int)} that stops at {@code also} too. */
    public static int plainRun(byte[] a, int from, int to, byte also) {
        long alsos = (also & 0xff) * ONES;
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = (long) LONGS.get(a, i);
            // Each term says whether the word holds such a byte, not which: that is found byte by byte.
            long some = (x & HIGH) | ((x - SPACES) & ~x & HIGH) | zero(x ^ QUOTES) | zero(x ^ BACKSLASHES)
                    | zero(x ^ DELETES) | zero(x ^ alsos);
            if (some != 0) {
                break;
            }
        }
        for (; i < to; i++) {
            byte b = a[i];
            if (b < 0x20 || b == 0x7f || b == '"' || b == '\\' || b == also) { // a byte of 0x80 and up is negative
                return i;
            }
        }
        return to;
    }

    /** High bits where {@code x} has a zero byte: exact for the lowest, and for whether there is one. */
    private static long zero(long x) {
        return (x - ONES) & ~x & HIGH;
    }
}
