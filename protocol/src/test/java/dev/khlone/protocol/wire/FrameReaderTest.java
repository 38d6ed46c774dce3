package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

    @Test
    void splitsLinesAcrossReadsOfAnySize() throws Exception {
        byte[] bytes = "one\ntwo\n\nthree\n".getBytes(StandardCharsets.UTF_8);
        FrameReader reader = new FrameReader(new TrickleStream(bytes, 3), 100);
        assertThat(new String(reader.next(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(new String(reader.next(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(reader.next()).isEmpty();
        assertThat(new String(reader.next(), StandardCharsets.UTF_8)).isEqualTo("three");
        assertThat(reader.next()).isNull();
    }

    @Test
    void aFrameCutOffByTheEndOfTheStreamIsDropped() throws Exception {
        FrameReader reader = new FrameReader(new ByteArrayInputStream("whole\nhal".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).asString(StandardCharsets.UTF_8).isEqualTo("whole");
        assertThat(reader.next()).isNull();
    }

    @Test
    void aFrameOverTheLimitIsRefusedBeforeItIsReadWhole() {
        CountingStream huge = new CountingStream(3 << 20);
        FrameReader reader = new FrameReader(huge, Protocol.MAX_FRAME);
        assertThatThrownBy(reader::next)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
        assertThat(huge.served).isLessThan(Protocol.MAX_FRAME + 64 * 1024);
    }

    @Test
    void aFrameOfExactlyTheLimitIsAccepted() throws Exception {
        byte[] bytes = new byte[101];
        java.util.Arrays.fill(bytes, (byte) 'x');
        bytes[100] = '\n';
        assertThat(new FrameReader(new ByteArrayInputStream(bytes), 100).next()).hasSize(100);
    }

    /** Serves its bytes a few at a time, as a socket may. */
    private static final class TrickleStream extends InputStream {
        private final byte[] bytes;
        private final int step;
        private int pos;

        TrickleStream(byte[] bytes, int step) {
            this.bytes = bytes;
            this.step = step;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, step), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** An endless line of 'x', counting what it served. */
    private static final class CountingStream extends InputStream {
        private final long size;
        long served;

        CountingStream(long size) {
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served == size) {
                return -1;
            }
            int n = (int) Math.min(len, size - served);
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            served += n;
            return n;
        }
    }
}
