package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import dev.khlone.testkit.brains.Brains;
import dev.khlone.testkit.brains.ClaudeHome;
import dev.khlone.testkit.fakemodel.FakeModelServer;
import dev.khlone.testkit.fakemodel.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A zone whose daemon runs the real, pinned claude against a fake model server, driven through
 * the installed {@code khlone} command as a user would.
 */
final class ClaudeZone implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);

    final KhloneHarness khlone = new KhloneHarness();
    final FakeModelServer model;
    final Path dir;

    ClaudeZone() throws IOException {
        model = FakeModelServer.start();
        dir = khlone.newDirectory("app");
        ClaudeHome home = ClaudeHome.seed(khlone.root().resolve("claude"), dir, model.baseUrl());
        khlone.env().putAll(home.environment());
        khlone.env().put("KHLONE_CLAUDE_BIN", Brains.claude().toString());
    }

    /** The environment of a terminal where a user has khlone on the PATH. */
    Map<String, String> shellEnv() {
        Map<String, String> env = new java.util.HashMap<>(khlone.env());
        env.put("PATH", khlone.launcher().getParent() + ":" + env.getOrDefault("PATH", System.getenv("PATH")));
        env.put("TERM", "xterm-256color");
        env.put("LANG", "C.UTF-8");
        return env;
    }

    Result run(String... args) {
        return khlone.run(dir, args);
    }

    /** Runs a command that must succeed. */
    Result ok(String... args) {
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

    Map<String, Object> task(String id) {
        return Json.parseObject(ok("status", "--task", id, "--json").out());
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> clones() {
        return (List<Map<String, Object>>) Json.parseObject(ok("status", "--json").out()).get("clones");
    }

    /** Waits until the task has the status, polling as a script would. */
    Map<String, Object> awaitStatus(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<String, Object> task = task(id);
            if (status.equals(task.get("status"))) {
                return task;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(id + " never became " + status + ": " + task);
            }
            Thread.sleep(200);
        }
    }

    /** A reply that streams for about {@code total}. */
    static Reply slow(String text, Duration total) {
        String padded = (text + " ").repeat(Math.max(1, 80 / (text.length() + 1) + 1)).trim();
        int chunks = (padded.length() + 15) / 16;
        return Reply.text(padded).withChunkDelay(total.dividedBy(Math.max(1, chunks - 1)));
    }

    static long number(Map<String, Object> json, String field) {
        return ((Number) json.get(field)).longValue();
    }

    @Override
    public void close() {
        khlone.close();
        model.close();
    }
}
