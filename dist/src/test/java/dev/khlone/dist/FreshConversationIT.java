package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code khlone reboot --fresh} with the real claude: a new session, which remembers nothing, and a log that still does. */
class FreshConversationIT {
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
    void aFreshRebootStartsANewSessionThatCarriesNothingOfTheOldOne() throws Exception {
        zone.model.enqueue(Reply.text("noted: tangerine"), Reply.text("what word?"), Reply.text("still fresh"));
        zone.ok("act", "--await", "remember the word tangerine");
        String before = (String) zone.clones().get(0).get("series");

        assertThat(zone.ok("reboot", "--fresh", "foreman.1").out())
                .isEqualTo("rebooted foreman.1 on a fresh conversation: its brain remembers nothing said before\n");
        zone.ok("act", "--await", "what was the word?");
        String after = (String) zone.clones().get(0).get("series");
        assertThat(after).as("a new claude session").isNotNull().isNotEqualTo(before);
        List<RecordedRequest> turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).conversation().stream().map(RecordedRequest.Message::text))
                .contains("what was the word?").noneMatch(text -> text.contains("tangerine"));

        zone.ok("act", "--await", "and now?");
        turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).conversation().stream().map(RecordedRequest.Message::text))
                .as("the next task resumes the fresh session").containsSubsequence("what was the word?", "what word?", "and now?")
                .noneMatch(text -> text.contains("tangerine"));
        assertThat(zone.ok("log", "foreman.1").out()).as("the old conversation stays readable")
                .contains("› remember the word tangerine").contains("rebooted by request on a fresh conversation")
                .contains("› what was the word?");
    }
}
