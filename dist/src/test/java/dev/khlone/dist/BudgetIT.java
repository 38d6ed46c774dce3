package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.fakemodel.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets with the real claude: what a turn costs is what claude reports, from the fake model
 * server's usage (100k input and 1k output tokens are some tens of cents at claude's prices).
 */
class BudgetIT {
    static final Reply.Usage COSTLY = new Reply.Usage(100_000, 1_000);
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
    void singleShotClaudeIsStoppedByItsOwnCapBetweenTwoModelCalls() throws Exception {
        SingleShotIT.singleShot(zone);
        zone.model.enqueue(Reply.toolCall("Bash", Map.of("command", "true")).withUsage(COSTLY), Reply.text("never asked for"));
        Result over = zone.run("act", "--await", "--budget", "0.05", "spend, then spend again");
        assertThat(over.exitCode()).as(over.toString()).isEqualTo(1);
        assertThat(over.err()).contains("over its budget: it cost $").contains("more than the $0.05 it may")
                .contains("Reached maximum budget ($0.05)");
        assertThat(zone.model.turns()).as("claude made no call past its cap").hasSize(1);
    }

    @SuppressWarnings("unchecked")
    private java.util.List<Map<String, Object>> tasks() {
        return (java.util.List<Map<String, Object>>) dev.khlone.protocol.json.Json.parseObject(zone.ok("tasks", "--json").out())
                .get("tasks");
    }

    @Test
    void aTaskWhoseTurnCostsMoreThanItsBudgetFailsWithThatReason() {
        zone.model.otherwise(request -> Reply.text("that was expensive").withUsage(COSTLY));
        Result over = zone.run("act", "--await", "--budget", "0.05", "spend");
        assertThat(over.exitCode()).as(over.toString()).isEqualTo(1);
        assertThat(over.err()).contains("over its budget: it cost $").contains("more than the $0.05 it may");
        Map<String, Object> failed = tasks().get(0);
        assertThat(failed.get("status")).isEqualTo("failed");
        assertThat(BrainZone.decimal(failed, "budgetUsd")).isEqualTo(0.05);
        double cost = BrainZone.decimal(failed, "costUsd");
        assertThat(cost).isGreaterThan(0.05);

        Map<String, Object> task = zone.awaitStatus(zone.submit("act", "--budget", "5", "spend less"), "done");
        assertThat(BrainZone.decimal(task, "budgetUsd")).isEqualTo(5.0);
        assertThat(BrainZone.decimal(task, "costUsd")).as("the second turn's own cost, not the conversation's so far")
                .isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-6));

        Result bad = zone.run("ask", "--budget", "a lot", "why?");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("khlone: --budget a lot is not an amount of dollars");
    }
}
