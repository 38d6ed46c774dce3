package dev.khlone.brain.claude;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Installation;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Claude Code ({@code claude}, pinned at {@value #PINNED_VERSION}).
 *
 * <p>Dispatch is one persistent {@code claude -p} in stream-json mode: a prompt is one JSON line
 * on stdin, and the turn ends with a {@code result} line on stdout (see {@link ClaudeDialogue}).
 * Single-shot, it is one such process per task, its stdin closed after the prompt: claude runs the
 * turn and exits, and the next task's process resumes the series.
 * The series id is chosen here ({@code --session-id}) and kept by claude across every kind of
 * resume, observed on 2.1.328: {@code -p --resume ID} and the TUI's {@code claude --resume ID}
 * both go on writing to session {@code ID} (no fork without {@code --fork-session}), and a later
 * {@code -p --resume ID} sends the turns typed in the TUI to the model.
 *
 * <p>{@code --session-id} and {@code --resume} are not interchangeable: {@code --session-id} of a
 * conversation claude already has exits 1 ("Session ID … is already in use.", on stderr, nothing
 * on stdout); {@code --resume} of one it does not have ends at once in an error result ("No
 * conversation found with session ID: …"). Claude stores a conversation once its first prompt
 * arrives (the turn's {@code system/init}, i.e. {@code SessionStarted}), even if that turn fails;
 * a process or a TUI that ended before any prompt leaves nothing behind.
 */
public final class ClaudeBrain implements Brain {
    static final String NAME = "claude";
    static final String PACKAGE = "@anthropic-ai/claude-code";
    /** The version the flags, the permission sets and the output format were established on. */
    static final String PINNED_VERSION = "2.1.328";
    /** Names the binary to run instead of {@code claude} on the PATH. */
    static final String BINARY_VARIABLE = "KHLONE_CLAUDE_BIN";
    private static final Installation INSTALLATION = new Installation(NAME, "claude (Claude Code)", BINARY_VARIABLE, PACKAGE,
            PINNED_VERSION);

    /**
     * Ask: claude's tools that change the workspace are taken away from the model ("No such tool
     * available", in subagents too); {@code dontAsk} denies whatever else would ask for a
     * permission, since nobody can answer one on pipes. Besides the file and shell tools,
     * {@code EnterWorktree} (it creates a git worktree and branch under {@code .claude/worktrees},
     * even in {@code dontAsk}) and {@code CronCreate} (a durable job is written to
     * {@code .claude/scheduled_tasks.json}) change the workspace, and {@code ExitWorktree}/
     * {@code CronDelete} undo such changes. The {@code --flag=value} form, because the tool
     * options are variadic and would swallow the arguments that follow them.
     */
    static final List<String> ASK = List.of("--permission-mode", "dontAsk",
            "--disallowedTools=Bash,Edit,Write,NotebookEdit,EnterWorktree,ExitWorktree,CronCreate,CronDelete");
    /**
     * Act: {@code acceptEdits} lets file edits in the working directory through (outside it they
     * are denied); {@code Bash} is allowed outright. Not {@code bypassPermissions}: claude refuses
     * it when run as root, as containers and CI often do.
     */
    static final List<String> ACT = List.of("--permission-mode", "acceptEdits", "--allowedTools=Bash");

    private final Login login;

    public ClaudeBrain() {
        this(new Login(Login.MANAGED_SETTINGS));
    }

    ClaudeBrain(Login login) {
        this.login = login;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** claude takes the id it is given with {@code --session-id}, so a series has its id before it starts. */
    @Override
    public Series newSeries() {
        return Series.fresh(UUID.randomUUID().toString());
    }

    @Override
    public LaunchSpec dispatch(Series series, TaskMode mode, Options options) {
        List<String> argv = new ArrayList<>(List.of(binary(options.environment()), "-p",
                "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"));
        argv.addAll(seriesArgs(series));
        argv.addAll(modelArgs(options));
        argv.addAll(mode == TaskMode.ASK ? ASK : ACT);
        if (options.singleShot() && options.budgetUsd() != null) {
            // claude's own cap stops a turn between two model calls; it counts what the process spent,
            // so it is the task's cap only on a process of the task's own.
            argv.addAll(List.of("--max-budget-usd", BigDecimal.valueOf(options.budgetUsd()).toPlainString()));
        }
        argv.addAll(options.args());
        return new LaunchSpec(argv, options.environment().vars(), options.workdir(), !options.singleShot());
    }

    /** The TUI asks for permissions itself, so it gets no permission set: the person at it answers. */
    @Override
    public LaunchSpec interact(Series series, Options options) {
        List<String> argv = new ArrayList<>(List.of(binary(options.environment())));
        argv.addAll(seriesArgs(series));
        argv.addAll(modelArgs(options));
        argv.addAll(options.args());
        return new LaunchSpec(argv, options.environment().vars(), options.workdir(), false);
    }

    /**
     * claude keeps a conversation as {@code <config dir>/projects/<project>/<id>.jsonl}. Its TUI
     * runs with the series' chosen id ({@code --session-id}), so a first turn typed there is in
     * the series itself.
     */
    @Override
    public Optional<Series> afterTalk(Series before, Options options, Instant talkStarted) {
        if (before.id() == null) {
            return Optional.empty();
        }
        Path projects = configDir(options.environment()).resolve("projects");
        try (Stream<Path> dirs = Files.list(projects)) {
            return dirs.anyMatch(dir -> Files.isRegularFile(dir.resolve(before.id() + ".jsonl")))
                    ? Optional.of(Series.started(before.id()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no projects yet: nothing stored
        }
    }

    private static Path configDir(Environment env) {
        String configDir = env.get("CLAUDE_CONFIG_DIR");
        if (configDir != null && !configDir.isBlank()) {
            return Path.of(configDir);
        }
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".claude");
    }

    @Override
    public Dialogue dialogue(Series series, Options options) {
        return new ClaudeDialogue();
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
        if (login.source(env, options.workdir()).isEmpty()) {
            return Preflight.problem("claude is not logged in", "run `claude` once and log in, or set ANTHROPIC_API_KEY");
        }
        return Preflight.OK;
    }

    private static String binary(Environment env) {
        return INSTALLATION.binary(env);
    }

    private static List<String> seriesArgs(Series series) {
        if (series.id() == null) {
            return List.of(); // claude names it, in system/init
        }
        return List.of(series.started() ? "--resume" : "--session-id", series.id());
    }

    private static List<String> modelArgs(Options options) {
        return options.model() == null || options.model().isBlank() ? List.of() : List.of("--model", options.model());
    }
}
