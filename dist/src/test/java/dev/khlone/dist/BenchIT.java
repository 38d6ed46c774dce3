package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/bench --quick} against the installed layout: every row of issue 11's table comes
 * out measured, beside its anchors, as valid JSON. A smoke test of the bench, never a timing: the
 * figures themselves are not judged here.
 */
class BenchIT {
    private static final List<String> ROWS = List.of("1", "2", "3", "4", "5", "6a", "6b", "7");

    @Test
    @SuppressWarnings("unchecked")
    void theQuickBenchMeasuresEveryRowBesideItsAnchors() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        Path khlone = Path.of(System.getProperty("khlone.dist"), "bin", "khlone");
        File err = File.createTempFile("bench", ".err");
        try {
            Process bench = new ProcessBuilder(repo.resolve("scripts/bench").toString(), "--quick", "--json",
                    "--khlone", khlone.toString()).directory(repo.toFile()).redirectError(err).start();
            String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bench.waitFor(5, TimeUnit.MINUTES)).as("the quick bench ends").isTrue();
            String said = Files.readString(err.toPath());
            assertThat(bench.exitValue()).as(said).isZero();

            Map<String, Object> report = Json.parseObject(out);
            assertThat(report).containsEntry("quick", true);
            List<Map<String, Object>> rows = (List<Map<String, Object>>) report.get("rows");
            assertThat(rows).extracting(r -> r.get("id")).containsExactlyElementsOf(ROWS);
            for (Map<String, Object> row : rows) {
                String id = (String) row.get("id");
                assertMeasured(id + " khlone", (Map<String, Object>) row.get("khlone"));
                List<Map<String, Object>> anchors = (List<Map<String, Object>>) row.get("anchors");
                assertThat(anchors).as(id + " anchors").isNotEmpty();
                anchors.forEach(a -> assertMeasured(id + " " + a.get("what"), a));
                assertThat(row.get("ratio")).as(id + " ratio").isInstanceOf(Number.class);
                assertThat(row.get("goal")).as(id + " goal").isInstanceOf(String.class);
                assertThat(row.get("verdict")).as(id + " verdict").isIn("pass", "FAIL", "n/a");
            }
        } finally {
            Files.deleteIfExists(err.toPath());
        }
    }

    private static void assertMeasured(String what, Map<String, Object> figure) {
        assertThat(figure).as(what).doesNotContainKey("missing");
        for (String field : List.of("median", "min", "max")) {
            assertThat(figure.get(field)).as(what + " " + field).isInstanceOf(Number.class);
        }
        assertThat(((Number) figure.get("min")).doubleValue()).as(what + " min ≤ max")
                .isLessThanOrEqualTo(((Number) figure.get("max")).doubleValue());
    }
}
