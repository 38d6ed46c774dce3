package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
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

    @Test
    void anOutputFramesBytesAreReadWhateverTheyHoldAndTheLinesGoOnAfterThem() throws Exception {
        byte[] big = new byte[200_000];
        new java.util.Random(7).nextBytes(big);
        byte[] stream = concat(Codec.encode(new Push.Output("7", "a\nb\n\n".getBytes(StandardCharsets.UTF_8))),
                Codec.encode(new Reply.Ok("8")), Codec.encode(new Push.Output("7", big)), Codec.encode(new Push.Output("7", new byte[0])));
        for (int step : new int[] {1, 5, 70_000}) {
            FrameReader reader = new FrameReader(new TrickleStream(stream, step), Protocol.MAX_FRAME, 8192);
            assertThat(((Push.Output) Codec.decode(reader.next())).data()).asString(StandardCharsets.UTF_8).isEqualTo("a\nb\n\n");
            assertThat(Codec.decode(reader.next())).isEqualTo(new Reply.Ok("8"));
            assertThat(((Push.Output) Codec.decode(reader.next())).data()).isEqualTo(big);
            assertThat(((Push.Output) Codec.decode(reader.next())).data()).isEmpty();
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void anOutputFrameCutInHalfIsRefusedSayingSo() {
        byte[] frame = Codec.encode(new Push.Output("7", new byte[1000]));
        FrameReader reader = new FrameReader(new ByteArrayInputStream(java.util.Arrays.copyOf(frame, frame.length / 2)));
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageMatching("the stream ended inside an output frame, after \\d+ of its 1000 bytes");
        FrameReader noNewline = new FrameReader(new ByteArrayInputStream(java.util.Arrays.copyOf(frame, frame.length - 1)));
        assertThatThrownBy(noNewline::next).hasMessage("the stream ended inside an output frame, after 1000 of its 1000 bytes");
    }

    @Test
    void anOutputFrameCountingMoreThanTheLimitIsRefusedBeforeAnyOfItIsRead() {
        for (String count : new String[] {"1048577", "99999999999999999999"}) {
            CountingStream bytes = new CountingStream(3 << 20);
            FrameReader reader = new FrameReader(new SequenceInputStream(new ByteArrayInputStream(
                    ("{\"type\":\"output\",\"re\":\"7\",\"bytes\":" + count + "}\n").getBytes(StandardCharsets.US_ASCII)), bytes),
                    Protocol.MAX_FRAME);
            assertThatThrownBy(reader::next).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE))
                    .hasMessageContaining("is larger than 1048576 bytes");
            assertThat(bytes.served).as(count).isZero();
        }
    }

    @Test
    void anOutputHeaderLyingAboutItsLengthIsRefused() {
        String next = "{\"type\":\"ok\",\"re\":\"8\"}\n";
        for (String count : new String[] {"3", "9"}) { // "hello" is 5 bytes
            FrameReader reader = new FrameReader(new ByteArrayInputStream(("{\"type\":\"output\",\"re\":\"7\",\"bytes\":" + count
                    + "}\nhello\n" + next).getBytes(StandardCharsets.US_ASCII)));
            assertThatThrownBy(reader::next).as(count).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                    .hasMessage("an output frame's bytes do not end where its header says (after " + count + " bytes)");
        }
        FrameReader noCount = new FrameReader(new ByteArrayInputStream(
                ("{\"type\":\"output\",\"re\":\"7\",\"data\":\"aGVsbG8=\"}\n" + next).getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(noCount::next).hasMessageContaining("an output frame's header must end with its byte count");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
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
