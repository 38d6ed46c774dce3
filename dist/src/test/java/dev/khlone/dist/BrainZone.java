package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.ClaudeHome;
import dev.khlone.testkit.brains.CodexHome;
import dev.khlone.testkit.brains.OpencodeHome;
import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A zone whose daemon runs real, pinned brain CLIs against one fake model server (it speaks all
 * three APIs), driven through the installed {@code khlone} command as a user would. Each brain
 * gets its own private home through a brain alias of its own name in the zone's khlone.yml, the
 * way a user would give a brain its settings; the hero runs on {@code hero}.
 */
public final class BrainZone implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(90);
    static final List<String> ALL = List.of("claude", "codex", "opencode");

    public final String hero;
    public final KhloneHarness khlone = new KhloneHarness();
    public final FakeModelServer model;
    public final Path dir;

    /** A zone with the hero on {@code hero}, and every brain of {@link #ALL} ready to be enrolled. */
    public BrainZone(String hero) throws IOException {
        this.hero = hero;
        model = FakeModelServer.start();
        dir = khlone.newDirectory("app");
        Map<String, Object> brains = new LinkedHashMap<>();
        for (String brain : ALL) {
            Path root = khlone.root().resolve(brain);
            Map<String, Object> profile = new LinkedHashMap<>();
            profile.put("brain", brain);
            Map<String, String> env;
            switch (brain) {
                case "claude":
                    env = ClaudeHome.seed(root, dir, model.baseUrl()).environment();
                    break;
                case "codex":
                    CodexHome codex = CodexHome.seed(root, dir, model.baseUrl());
                    env = codex.environment();
                    profile.put("model", CodexHome.MODEL);
                    profile.put("args", codex.arguments());
                    break;
                default:
                    env = OpencodeHome.seed(root, dir, model.baseUrl()).environment();
            }
            profile.put("env", env);
            brains.put(brain, profile);
            khlone.env().put(binaryVariable(brain), binary(brain).toString());
        }
        // JSON is YAML: the file a user would write, without a YAML writer in the tests.
        Files.writeString(dir.resolve("khlone.yml"), Json.write(Map.of("hero", "foreman@" + hero, "brains", brains)));
    }

    static String binaryVariable(String brain) {
        return "KHLONE_" + brain.toUpperCase(Locale.ROOT) + "_BIN";
    }

    private static Path binary(String brain) {
        switch (brain) {
            case "claude":
                return Brains.claude();
            case "codex":
                return Brains.codex();
            default:
                return Brains.opencode();
        }
    }

    /** What the model is scripted to answer when asked to write {@code file}: a tool call that writes it, then words. */
    Reply[] writeFile(Path file, String content, String then) {
        Reply call;
        switch (hero) {
            case "claude":
                call = Reply.toolCall("Write", Map.of("file_path", file.toString(), "content", content));
                break;
            case "codex":
                call = Reply.toolCall("exec_command", Map.of("cmd", "printf '%s' '" + content + "' > " + file));
                break;
            default:
                call = Reply.toolCall("write", Map.of("filePath", file.toString(), "content", content));
        }
        return new Reply[] {call, Reply.text(then)};
    }

    /** The environment of a terminal where a user has khlone on the PATH. */
    Map<String, String> shellEnv() {
        Map<String, String> env = new HashMap<>(khlone.env());
        env.put("PATH", khlone.launcher().getParent() + ":" + System.getenv("PATH"));
        env.put("TERM", "xterm-256color");
        env.put("LANG", "C.UTF-8");
        return env;
    }

    public Result run(String... args) {
        return khlone.run(dir, args);
    }

    /** Runs a command that must succeed. */
    public Result ok(String... args) {
        Result r = run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    /** {@code khlone act|ask ...}: the new task's id, from its "✓ t-xxxx → clone" line. */
    String submit(String... args) {
        Result r = ok(args);
        String line = r.out().isEmpty() ? r.err() : r.out();
        assertThat(line).as(r.toString()).startsWith("✓ t-");
        return line.substring(2, line.indexOf(' ', 2));
    }

    public Map<String, Object> task(String id) {
        return Json.parseObject(ok("status", "--task", id, "--json").out());
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> clones() {
        return (List<Map<String, Object>>) Json.parseObject(ok("status", "--json").out()).get("clones");
    }

    /** Waits until the task has the status, polling as a script would. */
    Map<String, Object> awaitStatus(String id, String status) {
        return Await.value(WAIT, id + " to be " + status, () -> task(id), task -> status.equals(task.get("status")));
    }

    /** A reply that streams for about {@code total}. */
    public static Reply slow(String text, Duration total) {
        String padded = (text + " ").repeat(Math.max(1, 80 / (text.length() + 1) + 1)).trim();
        int chunks = (padded.length() + 15) / 16;
        return Reply.text(padded).withChunkDelay(total.dividedBy(Math.max(1, chunks - 1)));
    }

    static long number(Map<String, Object> json, String field) {
        return ((Number) json.get(field)).longValue();
    }

    static double decimal(Map<String, Object> json, String field) {
        return ((Number) json.get(field)).doubleValue();
    }

    @Override
    public void close() {
        khlone.close();
        model.close();
    }
}
