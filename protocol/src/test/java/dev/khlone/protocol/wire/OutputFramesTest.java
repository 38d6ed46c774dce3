package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutputFramesTest {
    @Test
    void aSharedBodyUnderEachStreamsHeadIsTheFrameTheCodecWrites() throws Exception {
        byte[] chunk = "..\u001b[2Jsome output ✓\n..".getBytes(StandardCharsets.UTF_8);
        for (String re : new String[] {"7", "w\"1\\ ✓\n"}) {
            for (int length = 0; length <= 5; length++) {
                byte[] data = Arrays.copyOfRange(chunk, 2, 2 + length + 9);
                byte[] frame = concat(OutputFrames.head(re), OutputFrames.body(chunk, 2, length + 9));
                assertThat(frame).isEqualTo(Codec.encode(new Push.Output(re, data)));
                Push.Output read = (Push.Output) Codec.decode(Arrays.copyOf(frame, frame.length - 1));
                assertThat(read.re()).isEqualTo(re);
                assertThat(read.data()).isEqualTo(data);
            }
        }
    }

    /** One stream's frame: its head, then the shared body. */
    static byte[] concat(byte[] head, byte[] body) {
        byte[] frame = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, frame, head.length, body.length);
        return frame;
    }
}
