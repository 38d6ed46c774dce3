package dev.khlone.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPartsTest {
    @Test
    void aFigureIsTheMedianOfItsRunsWithTheirSpread() {
        Figure odd = Figure.of("status", "ms", List.of(30.0, 10.0, 20.0));
        Figure even = Figure.of("status", "ms", List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(odd.median()).isEqualTo(20.0);
        assertThat(even.median()).isEqualTo(2.5);
        assertThat(odd.text()).isEqualTo("20.0 ms (10.0–30.0, n=3)");
        assertThat(Figure.missing("status", "ms", "no daemon").text()).isEqualTo("n/a: no daemon");
    }

    @Test
    void theHelloWorldGetsTheLaunchersLiteralJvmFlagsOnly(@TempDir Path dir) throws Exception {
        Path launcher = dir.resolve("khlone");
        Files.writeString(launcher, """
                #!/bin/sh
                cds=
                if [ -f "$lib/khlone-cli.jsa" ]; then cds="-XX:SharedArchiveFile=$lib/khlone-cli.jsa"; fi
                exec "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $cds \\
                  -Xlog:disable -jar "$lib/khlone-cli.jar" -Xignored "$@"
                """);

        assertThat(Launcher.flags(launcher)).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:disable");
    }
}
