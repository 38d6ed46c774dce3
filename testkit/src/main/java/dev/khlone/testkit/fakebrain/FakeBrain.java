package dev.khlone.testkit.fakebrain;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.JsonLines;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Prompt;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dialect of {@code fake-brain.sh}, a scripted brain for fast unit tests of the daemon: it
 * does what its prompts say (sleep, crash, fail, leave an orphan, write a file, echo) in either
 * dispatch style. Never a stand-in for the real brains in their own tests.
 */
public final class FakeBrain implements Brain {
    private final Path home;
    private final Path script;
    private final boolean perTask;

    private FakeBrain(Path home, boolean perTask) {
        this.home = home;
        this.perTask = perTask;
        this.script = home.resolve("fake-brain.sh");
        try (InputStream in = FakeBrain.class.getResourceAsStream("fake-brain.sh")) {
            Files.createDirectories(home);
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One process takes every prompt, like claude's stream-json. Its files live in {@code home}. */
    public static FakeBrain persistent(Path home) {
        return new FakeBrain(home, false);
    }

    /** One process per prompt, like codex exec; the series is named by the first turn. */
    public static FakeBrain perTask(Path home) {
        return new FakeBrain(home, true);
    }

    /** Pids of every fake brain process started so far, in order. */
    public List<Long> pids() {
        return lines("pids").stream().map(Long::parseLong).toList();
    }

    /** The prompts a series has seen, TUI lines included, oldest first. */
    public List<String> history(String series) {
        return lines(series + ".log");
    }

    /** The prompts of a series that came with khlone's note about an interrupted attempt: "prompt <- note". */
    public List<String> notes(String series) {
        return lines(series + ".notes");
    }

    private List<String> lines(String file) {
        try {
            Path path = home.resolve(file);
            return Files.exists(path) ? Files.readAllLines(path) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Series newSeries() {
        return Series.fresh(perTask ? null : "fake-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    public LaunchSpec dispatch(Series series, TaskMode mode, Options options) {
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        if (perTask) {
            argv.add("--per-task");
        }
        if (series.id() != null) {
            argv.add("--series");
            argv.add(series.id());
        }
        argv.add("--mode");
        argv.add(mode == TaskMode.ASK ? "ask" : "act");
        argv.addAll(options.args());
        return new LaunchSpec(argv, env(options), options.workdir(), !perTask);
    }

    @Override
    public LaunchSpec interact(Series series, Options options) {
        List<String> argv = new ArrayList<>(List.of(script.toString(), "--tui"));
        if (series.id() != null) {
            argv.add("--series");
            argv.add(series.id());
        }
        return new LaunchSpec(argv, env(options), options.workdir(), true);
    }

    private Map<String, String> env(Options options) {
        Map<String, String> env = new HashMap<>(options.environment().vars());
        env.put("FAKE_BRAIN_HOME", home.toString());
        return env;
    }

    @Override
    public Dialogue dialogue(Series series, Options options) {
        JsonLines lines = new JsonLines();
        return new Dialogue() {
            @Override
            public byte[] encode(Prompt prompt, TaskMode mode) {
                return (Base64.getEncoder().encodeToString(prompt.text().getBytes(StandardCharsets.UTF_8)) + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public void decode(byte[] chunk, int offset, int length, Sink sink) {
                lines.feed(chunk, offset, length, new JsonLines.Handler() {
                    @Override
                    public void object(Map<String, Object> json, byte[] line) {
                        sink.event(event(json));
                    }

                    @Override
                    public void other(byte[] line) {
                        sink.event(new BrainEvent.Raw(line));
                    }
                });
            }
        };
    }

    private static BrainEvent event(Map<String, Object> json) {
        switch (String.valueOf(json.get("type"))) {
            case "session":
                return new BrainEvent.SessionStarted((String) json.get("id"));
            case "text":
                return new BrainEvent.Text((String) json.get("text"));
            case "tool":
                return new BrainEvent.ToolUse("t", (String) json.get("name"), (String) json.get("input"));
            case "error":
                return new BrainEvent.Failed((String) json.get("message"));
            case "done":
                return new BrainEvent.TurnCompleted((String) json.get("result"),
                        new Usage(number(json, "input"), number(json, "output"), 0, 0),
                        ((Number) json.get("cost")).doubleValue(), 0, Boolean.TRUE.equals(json.get("error")));
            default:
                return new BrainEvent.Raw(json.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static long number(Map<String, Object> json, String name) {
        return ((Number) json.get(name)).longValue();
    }

    @Override
    public Preflight check(Options options) {
        return Files.isExecutable(script) ? Preflight.OK : Preflight.problem("the fake brain's script is missing", null);
    }
}
