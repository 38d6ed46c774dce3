package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code process: single-shot} with the real claude: a fresh process per task, on one conversation. */
class SingleShotIT {
    BrainZone zone;

    @BeforeEach
    void setUp() throws Exception {
        zone = new BrainZone("claude");
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    /** Makes the zone's claude profile single-shot, as a user would in khlone.yml. */
    @SuppressWarnings("unchecked")
    static void singleShot(BrainZone zone) throws IOException {
        Path yml = zone.dir.resolve("khlone.yml");
        Map<String, Object> config = new LinkedHashMap<>(Json.parseObject(Files.readString(yml)));
        Map<String, Object> brains = new LinkedHashMap<>((Map<String, Object>) config.get("brains"));
        Map<String, Object> claude = new LinkedHashMap<>((Map<String, Object>) brains.get("claude"));
        claude.put("process", "single-shot");
        brains.put("claude", claude);
        config.put("brains", brains);
        Files.writeString(yml, Json.write(config));
    }

    @Test
    void twoTasksRunInTwoProcessesOnOneConversation() throws Exception {
        singleShot(zone);
        // claude as the daemon runs it, each start noted with its pid and arguments
        Path starts = zone.khlone.root().resolve("claude-starts");
        Path wrapper = zone.khlone.root().resolve("claude-wrapper");
        Files.writeString(wrapper, "#!/bin/sh\necho \"$$ $*\" >> '" + starts + "'\nexec '"
                + zone.khlone.env().get(BrainZone.binaryVariable("claude")) + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        zone.khlone.env().put(BrainZone.binaryVariable("claude"), wrapper.toString());
        zone.model.enqueue(Reply.text("noted: tangerine"), Reply.text("the word was tangerine"));

        zone.ok("act", "--await", "remember the word tangerine");
        assertThat(zone.ok("act", "--await", "what was the word?").out()).contains("the word was tangerine");

        List<String> dispatches = Files.readAllLines(starts).stream().filter(line -> line.contains(" -p ")).toList();
        assertThat(dispatches).as("one claude -p per task").hasSize(2);
        String series = (String) zone.clones().get(0).get("series");
        assertThat(dispatches.get(0)).contains("--session-id " + series);
        assertThat(dispatches.get(1)).as("the second resumes the first's conversation").contains("--resume " + series);
        assertThat(dispatches.get(0).split(" ")[0]).isNotEqualTo(dispatches.get(1).split(" ")[0]);
        List<RecordedRequest> turns = zone.model.turns();
        assertThat(turns.get(turns.size() - 1).conversation().stream().map(RecordedRequest.Message::text))
                .as("the second request carries the first exchange")
                .containsSubsequence("remember the word tangerine", "noted: tangerine", "what was the word?");

        assertThat(zone.clones().get(0).get("process")).isEqualTo("single-shot");
        assertThat(zone.ok("status").out()).contains("foreman.1  claude single-shot  idle");
    }
}
