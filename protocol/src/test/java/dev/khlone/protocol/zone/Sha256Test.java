package dev.khlone.protocol.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void theStandardsOwnExampleHashesAsPublished() {
        assertThat(HexFormat.of().formatHex(Sha256.digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(HexFormat.of().formatHex(Sha256.digest(new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void everyLengthAroundTheBlockEdgesHashesAsTheJdkDoes() throws Exception {
        Random random = new Random(42);
        for (int length = 0; length < 300; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            int cut = length == 0 ? 0 : random.nextInt(length);
            byte[] head = Arrays.copyOfRange(data, 0, cut);
            byte[] tail = Arrays.copyOfRange(data, cut, length);

            assertThat(Sha256.digest(head, tail)).as("%d bytes cut at %d", length, cut)
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
    }
}
