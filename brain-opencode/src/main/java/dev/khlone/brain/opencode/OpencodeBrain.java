package dev.khlone.brain.opencode;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Dialogue;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Installation;
import dev.khlone.protocol.brain.LaunchSpec;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.logging.Logger;

/**
 * opencode ({@code opencode}, pinned at {@value #PINNED_VERSION}).
 *
 * <p>Dispatch is one persistent {@code opencode acp}, spoken to over the Agent Client Protocol
 * (see {@link AcpDialogue}). The series is opencode's session id, which opencode names: the
 * dialogue's {@code session/new} creates and stores the session as soon as the process is up,
 * before any prompt, and a later process continues it with {@code session/load}; the TUI with
 * {@code opencode -s ID} goes on writing to the same session, and a later {@code session/load}
 * sends its turns to the model (observed on 1.18.33).
 *
 * <p>Ask and act are opencode session modes (its primary agents), switched per prompt with
 * {@code session/set_mode} on the same process, so both launch alike. Act is the built-in
 * {@code build} agent. Ask cannot be a built-in one: {@code plan} denies edits but lets
 * {@code bash} run anything (its base rule is {@code "*": "allow"}), and may write plan files
 * under {@code .opencode/plans}. So dispatch defines an agent of its own, {@value #ASK_AGENT},
 * through {@code OPENCODE_CONFIG_CONTENT} (merged over the user's configuration files): every
 * tool denied but those that only read. opencode does not even offer denied tools to the model;
 * a call to one fails as "unavailable tool", and nothing runs. The TUI does not get that agent: a
 * person there works with their own agents.
 *
 * <p>Credentials: opencode has no "not logged in" state. Its provider loader (1.18.33) takes a
 * provider's key from the environment, {@code auth.json} under its data directory ({@code opencode
 * auth login}) or the configuration; and with none at all it keeps OpenCode Zen's free models with
 * the key {@code public}, so a model is always there. A key that the API refuses ends the turn
 * with the API's message instead. Preflight therefore checks the binary only.
 */
public final class OpencodeBrain implements Brain {
    private static final Logger LOG = Logger.getLogger(OpencodeBrain.class.getName());
    static final String NAME = "opencode";
    static final String PACKAGE = "opencode-ai";
    /** The version the ACP exchange, the agents and the flags were established on. */
    static final String PINNED_VERSION = "1.18.33";
    /** Names the binary to run instead of {@code opencode} on the PATH. */
    static final String BINARY_VARIABLE = "KHLONE_OPENCODE_BIN";
    private static final Installation INSTALLATION = new Installation(NAME, "opencode", BINARY_VARIABLE, PACKAGE,
            PINNED_VERSION);
    /** opencode reads configuration from this variable, over its files. */
    static final String CONFIG_VARIABLE = "OPENCODE_CONFIG_CONTENT";
    static final String ASK_AGENT = "khlone-ask";
    static final String ACT_AGENT = "build";

    /**
     * The ask agent's permissions: {@code "*": "deny"} first, so that every tool opencode has or
     * will add is denied, then the tools that only read. {@code read} keeps opencode's own care
     * with {@code .env} files ("ask"), which the dialogue answers with a rejection in ask.
     */
    static final Map<String, Object> ASK_PERMISSIONS = askPermissions();

    @Override
    public String name() {
        return NAME;
    }

    /** opencode names its sessions itself, in the answer to {@code session/new}. */
    @Override
    public Series newSeries() {
        return Series.fresh(null);
    }

    /** The same launch for ask and act: the dialogue switches modes per prompt. */
    @Override
    public LaunchSpec dispatch(Series series, TaskMode mode, Options options) {
        List<String> argv = new ArrayList<>(List.of(binary(options.environment()), "acp"));
        argv.addAll(options.args());
        Map<String, String> env = new LinkedHashMap<>(options.environment().vars());
        env.put(CONFIG_VARIABLE, Json.write(config(options.environment().get(CONFIG_VARIABLE), options.model())));
        return new LaunchSpec(argv, env, options.workdir(), true);
    }

    /** The TUI asks for permissions itself, so it gets no permission set: the person at it answers. */
    @Override
    public LaunchSpec interact(Series series, Options options) {
        List<String> argv = new ArrayList<>(List.of(binary(options.environment())));
        if (series.started()) {
            argv.addAll(List.of("-s", series.id()));
        }
        if (options.model() != null && !options.model().isBlank()) {
            argv.addAll(List.of("-m", options.model()));
        }
        argv.addAll(options.args());
        return new LaunchSpec(argv, options.environment().vars(), options.workdir(), false);
    }

    /** ACP names the working directory in {@code session/new} and {@code session/load}: see the overload. */
    @Override
    public Dialogue dialogue(Series series, Options options) {
        return new AcpDialogue(series, options.workdir().toAbsolutePath(), new AcpDialogue.Modes(ASK_AGENT, ACT_AGENT));
    }

    /**
     * The TUI begins a session only when the person types its first turn ({@code opencode} with
     * no {@code -s} opens on an empty prompt), and names it itself: the latest session begun in
     * the zone since the talk started that a prompt ran in. It is looked for in opencode's log
     * (see {@link SessionLog}: no process to start, and it tells a subagent's session apart),
     * else in opencode's own list ({@link SessionList}), which has what a TUI that ended
     * abruptly never wrote to the log. What cannot be told apart, with nothing of the clone's
     * in either: another opencode clone of the same zone talking at the same time, or starting
     * its dispatch and running a task on a fresh series while this one talks. Talks one after
     * another never mix.
     */
    @Override
    public Optional<Series> afterTalk(Series before, Options options, Instant talkStarted) {
        Path zone = options.workdir().toAbsolutePath().normalize();
        Optional<String> logged = SessionLog.latestPrompted(SessionLog.of(options.environment()), zone, talkStarted);
        if (logged.isPresent()) {
            return logged.map(Series::started);
        }
        Optional<String> listed = SessionList.latestPrompted(binary(options.environment()), options.environment(), zone, talkStarted);
        listed.ifPresent(id -> LOG.info("the talk's session " + id + " is in opencode's list, not yet in its log"));
        return listed.map(Series::started);
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
        return Preflight.OK;
    }

    /**
     * The configuration dispatch adds: the ask agent and, if the clone has one, the model, over
     * what the user's own {@code OPENCODE_CONFIG_CONTENT} says (kept when it is a JSON object).
     */
    static Map<String, Object> config(String userContent, String model) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (userContent != null && !userContent.isBlank()) {
            try {
                config.putAll(Json.parseObject(userContent));
            } catch (IllegalArgumentException notAnObject) {
                // opencode would refuse it too; the ask agent matters more than the user's broken text
            }
        }
        Map<String, Object> agents = new LinkedHashMap<>();
        if (config.get("agent") instanceof Map<?, ?> userAgents) {
            userAgents.forEach((name, agent) -> agents.put(String.valueOf(name), agent));
        }
        Map<String, Object> ask = new LinkedHashMap<>();
        ask.put("mode", "primary");
        ask.put("description", "khlone ask: reads and answers, changes nothing");
        ask.put("permission", ASK_PERMISSIONS);
        agents.put(ASK_AGENT, ask);
        config.put("agent", agents);
        if (model != null && !model.isBlank()) {
            config.put("model", model);
        }
        return config;
    }

    private static Map<String, Object> askPermissions() {
        Map<String, Object> read = new LinkedHashMap<>();
        read.put("*", "allow");
        read.put("*.env", "ask");
        read.put("*.env.*", "ask");
        read.put("*.env.example", "allow");
        Map<String, Object> permissions = new LinkedHashMap<>();
        permissions.put("*", "deny");
        permissions.put("read", read);
        for (String tool : List.of("glob", "grep", "list", "webfetch", "websearch", "codesearch", "todowrite",
                "todoread", "skill")) {
            permissions.put(tool, "allow");
        }
        return Map.copyOf(permissions);
    }

    private static String binary(Environment env) {
        return INSTALLATION.binary(env);
    }
}
