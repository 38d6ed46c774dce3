package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.crew.RestorePlan.Member;
import dev.khlone.daemon.crew.RestorePlan.Said;
import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** What a start makes of the state dir, decided without starting anything. */
class RestorePlanTest {
    private static final long NOW = 1_000_000;
    private static final ZoneConfig CONFIG = new ZoneConfig("foreman", "fake", Map.of(),
            Map.of("quick", new ZoneConfig.Profile("quick", "fake", "m1", List.of(), Map.of("K", "v"))), null);

    private final Map<String, TaskInfo> tasks = new LinkedHashMap<>();

    private TaskInfo task(String id, String slug, long createdMs) {
        TaskInfo t = TaskInfo.queued(id, slug, TaskMode.ACT, "prompt of " + id, createdMs);
        tasks.put(id, t);
        return t;
    }

    private TaskInfo put(TaskInfo t) {
        tasks.put(t.id(), t);
        return t;
    }

    private static CloneRecord clone(String slug, String profile, String current, List<String> queue) {
        return new CloneRecord(slug, slug.substring(0, slug.indexOf('.')), Integer.parseInt(slug.substring(slug.indexOf('.') + 1)),
                "fake", profile, "series-" + slug, true, current, queue, null, 4242, 77, 0);
    }

    private RestorePlan plan(List<CloneRecord> clones, Map<String, String> profiles, String trouble, ZoneConfig config) {
        return RestorePlan.of(new Store.Loaded("foreman.1", Map.of("foreman", 1), clones, tasks, profiles, trouble),
                config, Set.of("fake"), NOW);
    }

    @Test
    void theTaskThatRanWhenTheDaemonDiedGoesFirstThenTheQueueThenTheClonesOtherUnfinishedTasksByAge() {
        TaskInfo ran = put(task("t-1", "foreman.1", 10).started(20).used(100, 5, 1, 2, 0.5, 1000));
        task("t-2", "foreman.1", 30);
        task("t-late", "foreman.1", 50); // in the journal, not (yet) in the crew file's queue
        task("t-early", "foreman.1", 40);
        put(task("t-done", "foreman.1", 5).ended(Status.DONE, "ok", null, 9).used(10, 1, 0, 0, 0.25, 10));

        RestorePlan plan = plan(List.of(clone("foreman.1", "fake", "t-1", List.of("t-2"))), Map.of(), null, CONFIG);

        assertThat(plan.leftovers()).containsExactly(new RestorePlan.Leftover(4242, 77));
        assertThat(plan.swept()).containsExactly("foreman.1");
        Member m = plan.members().get(0);
        assertThat(m.work()).extracting(TaskInfo::id).containsExactly("t-1", "t-2", "t-early", "t-late");
        TaskInfo again = m.work().get(0);
        assertThat(again.status()).isEqualTo(Status.QUEUED);
        assertThat(again.interruptions()).containsExactly("the daemon died during it");
        assertThat(plan.changed()).containsExactly(again);
        assertThat(plan.tasks().get("t-1")).isEqualTo(again);
        assertThat(plan.notes()).singleElement().satisfies(n -> {
            assertThat(n.slug()).isEqualTo("foreman.1");
            assertThat(n.entry().kind()).isEqualTo(TranscriptEntry.Kind.NOTE);
            assertThat(n.entry().text()).isEqualTo("the daemon died during this task; it runs again");
        });
        assertThat(m.series()).isEqualTo(new Series("series-foreman.1", true));
        assertThat(m.inputTokens()).isEqualTo(100 + 1 + 2 + 10);
        assertThat(m.outputTokens()).isEqualTo(5 + 1);
        assertThat(m.costUsd()).isEqualTo(0.75);
        assertThat(plan.log()).isEmpty();
        assertThat(ran.interruptions()).as("the loaded state is not changed").isEmpty();
    }

    @Test
    void aTaskTheDaemonDiedDuringTheThirdTimeFailsAndIsNotRunAgain() {
        TaskInfo ran = task("t-1", "foreman.1", 10).interrupted("the daemon died during it")
                .interrupted("the daemon died during it").started(20);
        put(ran);
        task("t-2", "foreman.1", 30);

        RestorePlan plan = plan(List.of(clone("foreman.1", "fake", "t-1", List.of("t-2"))), Map.of(), null, CONFIG);

        assertThat(plan.members().get(0).work()).extracting(TaskInfo::id).containsExactly("t-2");
        TaskInfo failed = plan.tasks().get("t-1");
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.error()).isEqualTo("interrupted 3 times: the daemon died during it; the daemon died during it;"
                + " the daemon died during it");
        assertThat(plan.changed()).containsExactly(failed);
        assertThat(plan.notes()).singleElement().satisfies(n -> {
            assertThat(n.entry().kind()).isEqualTo(TranscriptEntry.Kind.ERROR);
            assertThat(n.entry().text()).isEqualTo(failed.error());
        });
    }

    @Test
    void clonesTheCrewFileLacksAreRebuiltFromTheJournalWithTheirProfileAndTheirRolesIndexKept() {
        task("t-1", "foreman.1", 10);
        task("t-2", "mechanic.3", 20);
        put(task("t-3", "mechanic.4", 15).ended(Status.DONE, "ok", null, 16));

        RestorePlan plan = plan(List.of(), Map.of("mechanic.3", "quick"), "zone.json could not be read", CONFIG);

        assertThat(plan.members()).extracting(Member::slug).containsExactly("foreman.1", "mechanic.3");
        Member mechanic = plan.members().get(1);
        assertThat(mechanic.role()).isEqualTo("mechanic");
        assertThat(mechanic.index()).isEqualTo(3);
        assertThat(mechanic.profile().name()).as("from the journal").isEqualTo("quick");
        assertThat(mechanic.profile().env()).as("today's settings, from khlone.yml").containsEntry("K", "v");
        assertThat(mechanic.series()).as("a new conversation").isNull();
        assertThat(plan.members().get(0).profile().name()).as("the hero's brain for records without a profile").isEqualTo("fake");
        assertThat(plan.indexes()).containsEntry("foreman", 1).containsEntry("mechanic", 4);
        assertThat(plan.log()).containsExactly(new Said(Level.WARNING, "zone.json could not be read; rebuilt the crew"
                + " from the task journal: foreman.1, mechanic.3 (on new conversations: their series were in the crew file)"));
    }

    @Test
    void theTasksOfACloneThisKhloneHasNoBrainForFailAndItsLeftoversAreStillEnded() {
        task("t-1", "scout.1", 10);
        CloneRecord scout = new CloneRecord("scout.1", "scout", 1, "gone", "gone", "s", true, null, List.of("t-1"), null,
                99, 1, 0);

        RestorePlan plan = plan(List.of(scout), Map.of("scout.1", "gone"), null, CONFIG);

        assertThat(plan.members()).isEmpty();
        assertThat(plan.swept()).as("tried once, not again from the journal").containsExactly("scout.1");
        assertThat(plan.leftovers()).containsExactly(new RestorePlan.Leftover(99, 1));
        assertThat(plan.tasks().get("t-1").status()).isEqualTo(Status.FAILED);
        assertThat(plan.tasks().get("t-1").error()).isEqualTo("its clone scout.1 runs gone, which this khlone does not have");
        assertThat(plan.changed()).containsExactly(plan.tasks().get("t-1"));
        assertThat(plan.log()).containsExactly(
                new Said(Level.SEVERE, "scout.1 runs gone, which this khlone does not have; its tasks fail"));
    }

    @Test
    void anAliasGoneFromKhloneYmlLeavesTheCloneOnItsPlainBrainAndSaysSoInItsTranscript() {
        RestorePlan plan = plan(List.of(clone("mechanic.1", "keyed", null, List.of())), Map.of(), null, CONFIG);

        assertThat(plan.members().get(0).profile()).isEqualTo(ZoneConfig.Profile.plain("fake"));
        String why = "the brain alias keyed is no longer in khlone.yml; mechanic.1 runs plain fake";
        assertThat(plan.notes()).singleElement().satisfies(n -> assertThat(n.entry().text()).isEqualTo(why));
        assertThat(plan.log()).containsExactly(new Said(Level.WARNING, "mechanic.1: " + why));
    }

    @Test
    void withAnInvalidKhloneYmlACloneKeepsItsProfileNameOnItsBrainWithoutSettings() {
        RestorePlan plan = plan(List.of(clone("mechanic.1", "quick", null, List.of())), Map.of(), null, null);

        assertThat(plan.members().get(0).profile()).isEqualTo(new ZoneConfig.Profile("quick", "fake", null, List.of(), Map.of()));
        assertThat(plan.notes()).isEmpty();
    }
}
