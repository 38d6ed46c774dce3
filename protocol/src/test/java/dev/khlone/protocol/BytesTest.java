package dev.khlone.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BytesTest {
    private static int naiveIndexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int naivePlainRun(byte[] a, int from, int to, byte also) {
        for (int i = from; i < to; i++) {
            int b = a[i] & 0xff;
            if (b < 0x20 || b >= 0x7f || b == '"' || b == '\\' || a[i] == also) {
                return i;
            }
        }
        return to;
    }

    /** Mostly plain letters, now and then any byte at all: each stop lands at every place in a word. */
    private static byte[] sample(Random random, int length, int oddOneIn) {
        byte[] a = new byte[length];
        for (int i = 0; i < length; i++) {
            a[i] = random.nextInt(oddOneIn) == 0 ? (byte) random.nextInt(256) : (byte) ('a' + random.nextInt(26));
        }
        return a;
    }

    @Test
    void findsWhatAByteByByteScanFindsWhereverTheScanStartsAndEnds() {
        Random random = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] a = sample(random, random.nextInt(70), 1 + random.nextInt(40));
            int from = a.length == 0 ? 0 : random.nextInt(a.length + 1);
            int to = from + random.nextInt(a.length - from + 1);
            byte b = random.nextBoolean() ? (byte) '\n' : (byte) random.nextInt(256);
            byte also = random.nextBoolean() ? (byte) '?' : (byte) random.nextInt(256);
            assertThat(Bytes.indexOf(a, from, to, b)).isEqualTo(naiveIndexOf(a, from, to, b));
            assertThat(Bytes.plainRun(a, from, to, also)).isEqualTo(naivePlainRun(a, from, to, also));
            assertThat(Bytes.plainRun(a, from, to)).isEqualTo(naivePlainRun(a, from, to, (byte) '"'));
        }
    }

    @Test
    void stopsAtEachKindOfByteAJsonStringOrATerminalCannotTakeAsItIs() {
        String letters = "abcdefghijklmnopqrstuvwxyz";
        for (String odd : new String[] {"\"", "\\", "\n", "\t", "\u007f", "\u001b", "é", "✓"}) {
            byte[] a = (letters + odd + letters).getBytes(StandardCharsets.UTF_8);
            assertThat(Bytes.plainRun(a, 0, a.length)).as(odd).isEqualTo(letters.length());
            assertThat(Bytes.plainRun(a, letters.length() + odd.getBytes(StandardCharsets.UTF_8).length, a.length)).as(odd).isEqualTo(a.length);
        }
        byte[] plain = "the ~ and { and ' and ? and ` are plain".getBytes(StandardCharsets.US_ASCII);
        assertThat(Bytes.plainRun(plain, 0, plain.length)).isEqualTo(plain.length);
        assertThat(Bytes.plainRun(plain, 0, plain.length, (byte) '?')).isEqualTo(new String(plain, StandardCharsets.US_ASCII).indexOf('?'));
        assertThat(Bytes.indexOf(plain, 0, plain.length, (byte) '\n')).isEqualTo(-1);
    }
}
