package dev.khlone.brain.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Plays a recorded ACP exchange against a dialogue: {@code <-} lines (what opencode wrote) are
 * decoded, and every {@code ->} line (what the client wrote) must be what the dialogue writes
 * there, through its opening, its encode or its replies. A prompt is encoded where the
 * transcript's client first writes something the dialogue has not: its {@code set_mode}, or the
 * prompt itself. The clock is fixed, so durations are zero.
 */
final class Replay implements Dialogue.Sink {
    final List<BrainEvent> events = new ArrayList<>();
    final List<Map<String, Object>> replies = new ArrayList<>();
    private final Deque<String> written = new ArrayDeque<>();
    private final Dialogue dialogue;

    Replay(Dialogue dialogue) {
        this.dialogue = dialogue;
        write(dialogue.opening());
    }

    @Override
    public void event(BrainEvent event) {
        events.add(event);
    }

    @Override
    public void reply(byte[] bytes) {
        write(bytes);
    }

    /** Plays lines {@code from} to {@code to} (exclusive) of a transcript. */
    Replay play(List<String> transcript, int from, int to) {
        return play(transcript, from, to, transcript);
    }

    private Replay play(List<String> lines, int from, int to, List<String> transcript) {
        for (String line : lines.subList(from, to)) {
            String json = line.substring(3);
            if (line.startsWith("<- ")) {
                byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
                dialogue.decode(bytes, 0, bytes.length, this);
            } else {
                Map<String, Object> expected = Json.parseObject(json);
                if (written.isEmpty()) {
                    encodeFor(transcript, transcript.indexOf(line));
                }
                assertThat(written).as("what the dialogue writes at %s", json).isNotEmpty();
                assertThat(Json.parseObject(written.poll())).isEqualTo(expected);
            }
        }
        return this;
    }

    /** Like {@link #play}, with opencode's lines handed over one byte at a time. */
    Replay playBytewise(List<String> transcript) {
        for (String line : transcript) {
            if (line.startsWith("<- ")) {
                byte[] bytes = (line.substring(3) + "\n").getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < bytes.length; i++) {
                    dialogue.decode(bytes, i, 1, this);
                }
            } else {
                play(List.of(line), 0, 1, transcript);
            }
        }
        return this;
    }

    Replay play(List<String> transcript) {
        return play(transcript, 0, transcript.size());
    }

    List<BrainEvent> meaningful() {
        return events.stream().filter(e -> !(e instanceof BrainEvent.Raw)).toList();
    }

    /** The prompt (and mode) of the client's request at {@code index}: its set_mode's and the prompt after. */
    private void encodeFor(List<String> transcript, int index) {
        TaskMode mode = TaskMode.ACT;
        for (String line : transcript.subList(index, transcript.size())) {
            if (!line.startsWith("-> ")) {
                continue;
            }
            Map<String, Object> request = Json.parseObject(line.substring(3));
            Map<String, Object> params = map(request.get("params"));
            if ("session/set_mode".equals(request.get("method"))) {
                mode = OpencodeBrain.ASK_AGENT.equals(params.get("modeId")) ? TaskMode.ASK : TaskMode.ACT;
            } else if ("session/prompt".equals(request.get("method"))) {
                String text = (String) map(((List<?>) params.get("prompt")).get(0)).get("text");
                write(dialogue.encode(new Prompt(text), mode));
                return;
            }
        }
        throw new AssertionError("no prompt after line " + index);
    }

    private void write(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                written.add(line);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<String> transcript(String name) {
        try (InputStream in = Replay.class.getResourceAsStream("/transcripts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
