package dev.khlone.daemon.crew;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.khlone.daemon.notify.Event;
import dev.khlone.daemon.notify.Hook;
import dev.khlone.protocol.Dollars;
import dev.khlone.protocol.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The zone's optional {@code khlone.yml}: the hero's role and brain, the zone's roles (a list, or
 * aliases: every name there is a role a plain {@code --who} may enroll), and brain aliases (a brain
 * with a model, extra arguments and environment). Without the file: the hero is {@code foreman} on
 * {@code claude}.
 *
 * <pre>
 * hero: foreman@claude
 * roles:            # alias: role (or a list: [mechanic, scout])
 *   mech: mechanic
 * brains:           # alias: a brain with settings
 *   opus:
 *     brain: claude
 *     model: claude-opus-4-1
 *     args: [--max-turns, "40"]
 *     env: {CLAUDE_CODE_MAX_OUTPUT_TOKENS: "32000"}
 *     budget: 2.00  # dollars a task of this profile may cost, unless act --budget says otherwise
 *     process: single-shot   # a fresh process per task, resuming the conversation (default: persistent)
 * budget:           # caps on spend, in dollars: a task's default, and the zone's for a day (local time)
 *   task: 0.50
 *   day: 5.00
 * notify:           # a command run when work is done; the event is in its environment (KHLONE_EVENT, ...)
 *   run: notify-send "khlone: $KHLONE_CLONE $KHLONE_STATUS" "$KHLONE_RESULT"   # or a list of words
 *   on: [task-done, task-failed]   # default: task-done, task-failed, clone-failed, queue-empty
 *   timeout: 10s
 * triggers:         # work that starts itself: each entry is the trigger package's to read (TriggerSpec)
 *   - name: standup
 *     cron: "0 9 * * 1-5"
 *     ask: summarise yesterday's commits
 * worktrees: ../{repo}@{branch}   # read by the cli: where --zone @branch makes a worktree
 * </pre>
 *
 * {@code triggers} are kept as the file says them: a bad entry is that trigger's error, not the file's.
 */
record ZoneConfig(String heroRole, String heroBrain, Map<String, String> roleAliases, Map<String, Profile> brainAliases,
                  Hook hook, List<Object> triggers, Budget budget) {
    static final String FILE = "khlone.yml";
    static final ZoneConfig DEFAULT = new ZoneConfig("foreman", "claude", Map.of(), Map.of(), null, List.of(), Budget.NONE);

    ZoneConfig(String heroRole, String heroBrain, Map<String, String> roleAliases, Map<String, Profile> brainAliases, Hook hook) {
        this(heroRole, heroBrain, roleAliases, brainAliases, hook, List.of(), Budget.NONE);
    }

    /** {@code budget:}: a task's default cap and the zone's cap for a day, in dollars; null where there is none. */
    record Budget(Double task, Double day) {
        static final Budget NONE = new Budget(null, null);
    }

    /**
     * A brain and the settings a clone runs it with; {@code name} is the brain alias, or the brain's
     * own name for its plain profile. The crew file keeps only the name.
     */
    record Profile(String name, String brain, String model, List<String> args, Map<String, String> env, Double budget,
                   boolean singleShot) {
        Profile(String name, String brain, String model, List<String> args, Map<String, String> env) {
            this(name, brain, model, args, env, null, false);
        }

        static Profile plain(String brain) {
            return new Profile(brain, brain, null, List.of(), Map.of());
        }
    }

    /** A problem with khlone.yml, said so that the user can fix it. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    String role(String name) {
        return roleAliases.getOrDefault(name, name);
    }

    /** The profile a brain name or alias stands for. */
    Profile profile(String name) {
        Profile alias = brainAliases.get(name);
        return alias != null ? alias : Profile.plain(name);
    }

    /** The settings {@code content} of {@code file} says; null content (no file) says the defaults. */
    static ZoneConfig parse(Path file, byte[] content) throws Invalid {
        if (content == null) {
            return DEFAULT;
        }
        Object tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readValue(content, Object.class);
        } catch (IOException e) {
            throw new Invalid(file + " is not valid YAML: " + e.getMessage().split("\n")[0]);
        }
        if (tree == null) {
            return DEFAULT;
        }
        Map<String, Object> top = map(tree, "the file");
        for (String key : top.keySet()) {
            if (!List.of("hero", "roles", "brains", "notify", "triggers", "budget", "worktrees").contains(key)) {
                throw new Invalid(file + ": unknown key '" + key + "' (known: hero, roles, brains, notify, triggers, budget, worktrees)");
            }
        }
        if (top.get("worktrees") != null) {
            string(top.get("worktrees"), "worktrees"); // the cli's: where --zone @branch makes worktrees
        }
        String heroRole = DEFAULT.heroRole;
        String heroBrain = DEFAULT.heroBrain;
        if (top.get("hero") != null) {
            String hero = string(top.get("hero"), "hero");
            int at = hero.indexOf('@');
            heroRole = at < 0 ? hero : hero.substring(0, at);
            heroBrain = at < 0 ? heroBrain : hero.substring(at + 1);
            if (!heroRole.matches("[a-z][a-z0-9-]*") || !heroBrain.matches("[a-z][a-z0-9-]*")) {
                throw new Invalid(file + ": hero '" + hero + "' must be role@brain in lower case, e.g. foreman@claude");
            }
        }
        Map<String, String> roles = new LinkedHashMap<>();
        if (top.get("roles") instanceof List) {
            strings(top.get("roles"), "roles").forEach(role -> roles.put(role, role));
        } else if (top.get("roles") != null) {
            map(top.get("roles"), "roles").forEach((alias, role) -> roles.put(alias, String.valueOf(role)));
        }
        Map<String, Profile> brains = new LinkedHashMap<>();
        if (top.get("brains") != null) {
            for (Map.Entry<String, Object> e : map(top.get("brains"), "brains").entrySet()) {
                Map<String, Object> p = map(e.getValue(), "brains." + e.getKey());
                if (p.get("brain") == null) {
                    throw new Invalid(file + ": brains." + e.getKey() + " needs 'brain' (claude, codex or opencode)");
                }
                List<String> args = p.get("args") == null ? List.of() : strings(p.get("args"), "brains." + e.getKey() + ".args");
                Map<String, String> env = new LinkedHashMap<>();
                if (p.get("env") != null) {
                    map(p.get("env"), "brains." + e.getKey() + ".env").forEach((k, v) -> env.put(k, String.valueOf(v)));
                }
                brains.put(e.getKey(), new Profile(e.getKey(), string(p.get("brain"), "brains." + e.getKey() + ".brain"),
                        p.get("model") == null ? null : String.valueOf(p.get("model")), args, env,
                        dollars(p.get("budget"), "brains." + e.getKey() + ".budget"),
                        singleShot(p.get("process"), "brains." + e.getKey() + ".process")));
            }
        }
        if (top.get("triggers") != null && !(top.get("triggers") instanceof List)) {
            throw new Invalid(file + ": triggers must be a list of entries (- name: ..., cron: or watch:, act: or ask:)");
        }
        @SuppressWarnings("unchecked")
        List<Object> triggers = top.get("triggers") == null ? List.of() : (List<Object>) top.get("triggers");
        return new ZoneConfig(heroRole, heroBrain, roles, brains, top.get("notify") == null ? null : notify(top.get("notify")),
                triggers, top.get("budget") == null ? Budget.NONE : budget(top.get("budget")));
    }

    /** {@code budget:}: {@code task} and {@code day}, each in dollars. */
    private static Budget budget(Object value) throws Invalid {
        Map<String, Object> b = map(value, "budget");
        for (String key : b.keySet()) {
            if (!List.of("task", "day").contains(key)) {
                throw new Invalid(FILE + ": budget." + key + " is not a setting (known: task, day)");
            }
        }
        return new Budget(dollars(b.get("task"), "budget.task"), dollars(b.get("day"), "budget.day"));
    }

    /** {@code process:} single-shot (a fresh process per task) or persistent (one for all: the default). */
    private static boolean singleShot(Object value, String what) throws Invalid {
        if (value == null || "persistent".equals(value)) {
            return false;
        }
        if ("single-shot".equals(value)) {
            return true;
        }
        throw new Invalid(FILE + ": " + what + ": '" + value + "' is not a process mode (single-shot or persistent)");
    }

    /** An amount in dollars, or null when there is none. */
    private static Double dollars(Object value, String what) throws Invalid {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value);
        return Dollars.parse(text).orElseThrow(() -> new Invalid(FILE + ": " + what + ": '" + text
                + "' is not an amount of dollars (more than 0, e.g. 0.50)"));
    }

    /** {@code notify:}: run (a string for sh -c, or a list of words), on (events), timeout (e.g. 10s). */
    private static Hook notify(Object value) throws Invalid {
        Map<String, Object> n = map(value, "notify");
        for (String key : n.keySet()) {
            if (!List.of("run", "on", "timeout").contains(key)) {
                throw new Invalid(FILE + ": notify." + key + " is not a setting (known: run, on, timeout)");
            }
        }
        Object run = n.get("run");
        List<String> command;
        if (run instanceof String text && !text.isBlank()) {
            command = List.of("sh", "-c", text); // the user's own words: the event comes in the environment
        } else if (run instanceof List<?> words && !words.isEmpty()) {
            command = strings(run, "notify.run");
        } else {
            throw new Invalid(FILE + ": notify.run must be a command: a string, or a list of its words");
        }
        Set<Event.Kind> on = EnumSet.allOf(Event.Kind.class);
        if (n.get("on") != null) {
            on = EnumSet.noneOf(Event.Kind.class);
            for (String name : strings(n.get("on"), "notify.on")) {
                Event.Kind kind = Arrays.stream(Event.Kind.values()).filter(k -> k.wire().equals(name)).findFirst()
                        .orElseThrow(() -> new Invalid(FILE + ": notify.on: '" + name + "' is not an event (task-done,"
                                + " task-failed, clone-failed, queue-empty)"));
                on.add(kind);
            }
        }
        Duration timeout = Hook.TIMEOUT;
        if (n.get("timeout") != null) {
            String text = string(n.get("timeout"), "notify.timeout");
            timeout = Durations.parse(text).filter(d -> !d.isZero())
                    .orElseThrow(() -> new Invalid(FILE + ": notify.timeout: '" + text + "' is not a duration (e.g. 10s, 2m)"));
        }
        return new Hook(command, on, timeout);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) throws Invalid {
        if (value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw new Invalid(FILE + ": " + what + " must be a mapping");
    }

    private static String string(Object value, String what) throws Invalid {
        if (value instanceof String || value instanceof Number) {
            return String.valueOf(value);
        }
        throw new Invalid(FILE + ": " + what + " must be a string");
    }

    private static List<String> strings(Object value, String what) throws Invalid {
        if (value instanceof List) {
            return ((List<?>) value).stream().map(String::valueOf).toList();
        }
        throw new Invalid(FILE + ": " + what + " must be a list");
    }
}
