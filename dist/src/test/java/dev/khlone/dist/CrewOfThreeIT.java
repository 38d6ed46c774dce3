package dev.khlone.dist;

import static dev.khlone.dist.BrainZone.number;
import static dev.khlone.dist.BrainZone.slow;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One zone, three brains: a claude hero, a codex researcher and an opencode scout, working at once. */
class CrewOfThreeIT {
    BrainZone zone;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone("claude");
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    @Test
    void aClaudeHeroACodexResearcherAndAnOpencodeScoutWorkInParallelAndStatusShowsTheirTokens() throws Exception {
        zone.ok("act", "--await", "hello hero");
        zone.ok("act", "--await", "--who", "researcher@codex++", "hello researcher");
        zone.ok("act", "--await", "--who", "scout@opencode++", "hello scout");

        zone.model.enqueue(slow("working", Duration.ofSeconds(8)), slow("working", Duration.ofSeconds(8)),
                slow("working", Duration.ofSeconds(8)));
        String hero = zone.submit("act", "hero's share");
        String researcher = zone.submit("act", "--who", "researcher", "researcher's share");
        String scout = zone.submit("act", "--who", "scout", "scout's share");
        Map<String, Object> h = zone.awaitStatus(hero, "done");
        Map<String, Object> r = zone.awaitStatus(researcher, "done");
        Map<String, Object> s = zone.awaitStatus(scout, "done");
        long lastStart = Math.max(number(h, "startedMs"), Math.max(number(r, "startedMs"), number(s, "startedMs")));
        long firstEnd = Math.min(number(h, "endedMs"), Math.min(number(r, "endedMs"), number(s, "endedMs")));
        assertThat(lastStart).as("all three were working at the same time").isLessThan(firstEnd);

        List<Map<String, Object>> clones = zone.clones();
        assertThat(clones).extracting(c -> c.get("slug") + "@" + c.get("brain"))
                .containsExactly("foreman.1@claude", "researcher.1@codex", "scout.1@opencode");
        assertThat(clones).allSatisfy(c -> assertThat(number(c, "inputTokens") + number(c, "outputTokens")).isPositive());
        String status = zone.ok("status").out();
        assertThat(status).contains("foreman.1").contains("researcher.1").contains("scout.1").contains("tokens");
    }
}
