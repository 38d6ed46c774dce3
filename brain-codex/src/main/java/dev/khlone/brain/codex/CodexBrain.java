package dev.khlone.brain.codex;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Installation;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.brain.Usage;
import dev.khlone.protocol.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Codex CLI ({@code codex}, pinned at {@value #PINNED_VERSION}).
 *
 * <p>Dispatch is one {@code codex exec --json} per task: the prompt is all of stdin ({@code -}),
 * read to its end, and the process exits after the turn (see {@link CodexDialogue}). codex names
 * the thread itself, in its first line ({@code thread.started}), so a new series has no id; later
 * tasks run {@code codex exec ... resume <thread id> -}, and so does the TUI
 * ({@code codex --no-daemon resume <thread id>}), which goes on writing to the same thread: a
 * later {@code exec resume} sends the TUI's turns to the model. {@code --no-daemon}, because
 * otherwise the TUI starts a shared background app-server that outlives it.
 *
 * <p>Ask runs in codex's {@code read-only} sandbox, act in {@code workspace-write} (the working
 * directory and temp dirs writable, the network off). {@code exec} never asks for approvals (its
 * policy is {@code never} whatever the config says): a command the sandbox refuses fails and the
 * model is told. {@code -s} goes before {@code resume}, which has no such option of its own but
 * keeps the one given to {@code exec}.
 *
 * <p>codex reports a resumed thread's tokens as the thread's total so far, not the turn's
 * (observed: 100, then 200, then 300 input tokens for three equal turns); the dialogue takes off
 * the total its rollout file recorded last ({@code total_token_usage}) before the process ran.
 */
public final class CodexBrain implements Brain {
    static final String NAME = "codex";
    static final String PACKAGE = "@openai/codex";
    /** The version the flags, the sandboxes and the output format were established on. */
    static final String PINNED_VERSION = "0.169.0";
    /** Names the binary to run instead of {@code codex} on the PATH. */
    static final String BINARY_VARIABLE = "KHLONE_CODEX_BIN";
    private static final Installation INSTALLATION = new Installation(NAME, "codex (Codex CLI)", BINARY_VARIABLE, PACKAGE,
            PINNED_VERSION);

    private final Login login = new Login();

    @Override
    public String name() {
        return NAME;
    }

    /** codex names its thread in its first output; nothing can be chosen up front. */
    @Override
    public Series newSeries() {
        return Series.fresh(null);
    }

    @Override
    public LaunchSpec dispatch(Series series, TaskMode mode, Options options) {
        List<String> argv = new ArrayList<>(List.of(binary(options.environment()), "exec", "--json",
                "--skip-git-repo-check", "-s", mode == TaskMode.ASK ? "read-only" : "workspace-write"));
        argv.addAll(modelArgs(options));
        argv.addAll(options.args());
        argv.addAll(resumeArgs(series));
        argv.add("-"); // the prompt is stdin, to its end
        return new LaunchSpec(argv, options.environment().vars(), options.workdir(), false);
    }

    /** The TUI gets no sandbox of khlone's: the person at it answers codex's own approvals. */
    @Override
    public LaunchSpec interact(Series series, Options options) {
        List<String> argv = new ArrayList<>(List.of(binary(options.environment()), "--no-daemon"));
        argv.addAll(modelArgs(options));
        argv.addAll(options.args());
        argv.addAll(resumeArgs(series));
        return new LaunchSpec(argv, options.environment().vars(), options.workdir(), false);
    }

    /**
     * codex names a thread when its first turn is typed, in the TUI as in {@code exec}, and keeps
     * it as {@code $CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl}, whose first line
     * ({@code session_meta}) names the thread's id, when it began, its working directory and where
     * it came from ({@code "source":"cli"} for the TUI, {@code "exec"} for {@code codex exec}).
     * So the thread a TUI began on a fresh series is the TUI's thread in this working directory
     * begun since the talk started; the latest one, if the person began another there
     * ({@code /new}). What it cannot tell apart: two clones of codex in the same zone whose talks
     * overlap in time, whose TUIs begin their threads in the same directory with nothing of the
     * clone's in them; each would take the latest. Talks one after another never mix.
     */
    @Override
    public Optional<Series> afterTalk(Series before, Options options, Instant talkStarted) {
        if (before.id() != null) {
            return rollout(before, options).map(f -> Series.started(before.id()));
        }
        Path cwd = options.workdir().toAbsolutePath().normalize();
        try (Stream<Path> files = Files.walk(Login.codexHome(options.environment()).resolve("sessions"), 4)) {
            return files.filter(f -> f.getFileName().toString().startsWith("rollout-") && modifiedSince(f, talkStarted))
                    .map(CodexBrain::meta)
                    .flatMap(Optional::stream)
                    .filter(t -> t.tui() && t.cwd().equals(cwd) && !t.began().isBefore(talkStarted))
                    .max(Comparator.comparing(Meta::began))
                    .map(t -> Series.started(t.id()));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // no sessions yet: nothing stored
        }
    }

    /** What a rollout's first line says of its thread. */
    private record Meta(String id, Instant began, Path cwd, boolean tui) {}

    private static Optional<Meta> meta(Path rollout) {
        try (BufferedReader in = Files.newBufferedReader(rollout)) {
            String first = in.readLine();
            Object payload = first == null ? null : Json.parseObject(first).get("payload");
            if (!(payload instanceof Map<?, ?> meta) || !(meta.get("id") instanceof String id)
                    || !(meta.get("timestamp") instanceof String began) || !(meta.get("cwd") instanceof String cwd)) {
                return Optional.empty();
            }
            return Optional.of(new Meta(id, Instant.parse(began), Path.of(cwd).normalize(), "cli".equals(meta.get("source"))));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // not a rollout this version of codex wrote: not the TUI's
        }
    }

    private static boolean modifiedSince(Path file, Instant since) {
        try {
            return !Files.getLastModifiedTime(file).toInstant().isBefore(since);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> rollout(Series series, Options options) {
        if (series.id() == null) {
            return Optional.empty();
        }
        String suffix = "-" + series.id() + ".jsonl";
        try (Stream<Path> files = Files.walk(Login.codexHome(options.environment()).resolve("sessions"), 4)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith("rollout-") && name.endsWith(suffix);
            }).findFirst();
        } catch (IOException e) {
            return Optional.empty(); // no sessions yet: nothing stored
        }
    }

    /** The thread's token total as its rollout last recorded it; nothing for a new thread. */
    static Usage recordedTotal(Series series, Options options) {
        Optional<Path> file = rollout(series, options);
        if (file.isEmpty()) {
            return Usage.NONE;
        }
        Usage last = Usage.NONE;
        try {
            for (String line : Files.readAllLines(file.get())) {
                if (line.contains("\"total_token_usage\"")) {
                    Map<String, Object> total = find(Json.parseObject(line), "total_token_usage");
                    if (total != null) {
                        long cached = count(total.get("cached_input_tokens"));
                        last = new Usage(Math.max(0, count(total.get("input_tokens")) - cached),
                                count(total.get("output_tokens")), cached, 0);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return Usage.NONE; // unreadable: the turn's figures stay as codex reports them
        }
        return last;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> find(Map<String, Object> json, String key) {
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals(key) && e.getValue() instanceof Map) {
                return (Map<String, Object>) e.getValue();
            }
            if (e.getValue() instanceof Map) {
                Map<String, Object> inner = find((Map<String, Object>) e.getValue(), key);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private static long count(Object value) {
        return value instanceof Number ? ((Number) value).longValue() : 0;
    }

    @Override
    public Dialogue dialogue(Series series, Options options) {
        return new CodexDialogue(System::nanoTime, series.started() ? recordedTotal(series, options) : Usage.NONE);
    }

    @Override
    public Optional<Installation> installation() {
        return Optional.of(INSTALLATION);
    }

    @Override
    public Preflight check(Options options) {
        Environment env = options.environment();
        Optional<Preflight> missing = INSTALLATION.missing(env);
        if (missing.isPresent()) {
            return missing.get();
        }
        if (login.source(env).isEmpty()) {
            return Preflight.problem("codex is not logged in",
                    "run `codex login`, or set OPENAI_API_KEY (or CODEX_API_KEY)");
        }
        return Preflight.OK;
    }

    private static String binary(Environment env) {
        return INSTALLATION.binary(env);
    }

    /** A series with an id is one codex named, so it has it: it is resumed. */
    private static List<String> resumeArgs(Series series) {
        return series.id() == null ? List.of() : List.of("resume", series.id());
    }

    private static List<String> modelArgs(Options options) {
        return options.model() == null || options.model().isBlank() ? List.of() : List.of("-m", options.model());
    }
}
