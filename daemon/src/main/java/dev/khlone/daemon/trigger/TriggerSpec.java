package dev.khlone.daemon.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.khlone.protocol.Durations;
import dev.khlone.protocol.brain.TaskMode;
import dev.khlone.protocol.crew.Who;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code triggers:} entry of khlone.yml: a task ({@code act:} or {@code ask:} with a prompt
 * template, an optional {@code who:}) started by a {@link Schedule}: a five-field {@code cron:} in
 * the zone's local time, or {@code watch:} globs under the zone's root with a {@code debounce:}.
 * {@code overlap: queue} queues a firing whose previous task has not ended (the default skips it);
 * {@code catch-up: true} runs one cron firing missed while the daemon was down.
 */
record TriggerSpec(String name, TaskMode mode, String template, String who, Schedule schedule, boolean queueOverlap,
                   boolean catchUp) {
    static final Duration DEBOUNCE = Duration.ofSeconds(5);
    private static final String FILE = "khlone.yml";
    private static final List<String> KEYS = List.of("name", "act", "ask", "who", "cron", "watch", "debounce", "overlap",
            "catch-up");

    /** Made on first use: a zone without cron triggers never loads cron-utils. */
    private static final class Unix {
        static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    }

    /** When a trigger fires. */
    sealed interface Schedule permits Cron, Watch {
        /** What {@code khlone triggers} shows of it. */
        String spec();
    }

    record Cron(String expression, ExecutionTime times) implements Schedule {
        @Override
        public String spec() {
            return expression;
        }
    }

    /** Changes to files that a glob of {@code globs} matches (paths relative to the root, '/' between names). */
    record Watch(List<String> globs, Duration debounce, List<PathMatcher> matchers) implements Schedule {
        @Override
        public String spec() {
            return String.join(" ", globs) + " (debounce " + debounce.toSeconds() + "s)";
        }

        boolean matches(String relative) {
            java.nio.file.Path p = java.nio.file.Path.of(relative);
            return matchers.stream().anyMatch(m -> m.matches(p));
        }
    }

    /** An entry as read: its spec, or what is wrong with it; {@code name} is "#n" when it has none. */
    record Entry(String name, TriggerSpec spec, String error, Object raw) {}

    /** Reads every entry; a bad one is an {@link Entry} with its error, and the others are read on. */
    static List<Entry> parseAll(List<Object> entries) {
        List<Entry> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Object raw = entries.get(i);
            String label = "#" + (i + 1);
            if (raw instanceof Map<?, ?> m && m.get("name") instanceof String n && !n.isBlank()) {
                label = n;
            }
            try {
                TriggerSpec spec = parse(raw, label);
                if (!names.add(spec.name)) {
                    throw new Invalid(where(label, "name") + "'" + spec.name + "' names an earlier trigger too; give each its own");
                }
                all.add(new Entry(spec.name, spec, null, raw));
            } catch (Invalid e) {
                all.add(new Entry(label, null, e.getMessage(), raw));
            }
        }
        return all;
    }

    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private static String where(String label, String field) {
        return FILE + ": triggers." + label + (field == null ? "" : "." + field) + ": ";
    }

    private static TriggerSpec parse(Object raw, String label) throws Invalid {
        if (!(raw instanceof Map<?, ?> entry)) {
            throw new Invalid(where(label, null) + "must be a mapping (name:, cron: or watch:, act: or ask:)");
        }
        for (Object key : entry.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new Invalid(where(label, String.valueOf(key)) + "is not a setting (known: " + String.join(", ", KEYS) + ")");
            }
        }
        String name = text(entry, "name", label);
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new Invalid(where(label, "name") + (name == null ? "is missing" : "'" + name + "' must be lower case letters,"
                    + " digits, '.', '_' or '-'") + ", e.g. name: nightly-review");
        }
        String act = text(entry, "act", label);
        String ask = text(entry, "ask", label);
        if ((act == null) == (ask == null)) {
            throw new Invalid(where(label, act == null ? "act" : "ask") + "give the task as one of act: or ask: (the prompt)");
        }
        String template = act != null ? act : ask;
        if (template.isBlank()) {
            throw new Invalid(where(label, act != null ? "act" : "ask") + "the prompt is empty");
        }
        String cron = text(entry, "cron", label);
        Object watch = entry.get("watch");
        if ((cron == null) == (watch == null)) {
            throw new Invalid(where(label, cron == null ? "cron" : "watch") + "say when it fires with one of cron: \"0 9 * * 1-5\""
                    + " or watch: [\"src/**\"]");
        }
        Schedule schedule = cron != null ? cron(cron, label) : watch(watch, entry, label);
        if (cron != null && entry.get("debounce") != null) {
            throw new Invalid(where(label, "debounce") + "is for watch: triggers");
        }
        String overlap = text(entry, "overlap", label);
        if (overlap != null && !overlap.equals("skip") && !overlap.equals("queue")) {
            throw new Invalid(where(label, "overlap") + "'" + overlap + "' is not skip or queue");
        }
        Object catchUp = entry.get("catch-up");
        if (catchUp != null && !(catchUp instanceof Boolean)) {
            throw new Invalid(where(label, "catch-up") + "must be true or false");
        }
        if (Boolean.TRUE.equals(catchUp) && cron == null) {
            throw new Invalid(where(label, "catch-up") + "is for cron: triggers");
        }
        String who = text(entry, "who", label);
        if (who != null) {
            try {
                Who.parse(who);
            } catch (IllegalArgumentException e) {
                throw new Invalid(where(label, "who") + e.getMessage());
            }
        }
        return new TriggerSpec(name, act != null ? TaskMode.ACT : TaskMode.ASK, template, who, schedule,
                "queue".equals(overlap), Boolean.TRUE.equals(catchUp));
    }

    private static Cron cron(String expression, String label) throws Invalid {
        if (expression.trim().split("\\s+").length != 5) {
            throw new Invalid(where(label, "cron") + "'" + expression + "' must have five fields: minute hour day-of-month"
                    + " month day-of-week, e.g. \"0 9 * * 1-5\"");
        }
        try {
            return new Cron(expression, ExecutionTime.forCron(Unix.CRON.parse(expression).validate()));
        } catch (IllegalArgumentException e) {
            throw new Invalid(where(label, "cron") + "'" + expression + "' is not a cron expression (" + e.getMessage() + ")");
        }
    }

    private static Watch watch(Object value, Map<?, ?> entry, String label) throws Invalid {
        List<String> globs = value instanceof String one ? List.of(one)
                : value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : null;
        if (globs == null || globs.isEmpty() || globs.stream().anyMatch(String::isBlank)) {
            throw new Invalid(where(label, "watch") + "must be a list of globs under the zone's root, e.g. [\"src/**/*.java\"]");
        }
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            if (glob.startsWith("/") || glob.startsWith("../")) {
                throw new Invalid(where(label, "watch") + "'" + glob + "' must be relative to the zone's root");
            }
            // Like git's: "src/**/*.java" takes src/A.java too, a "**/" standing for no directory as well.
            Set<String> forms = new LinkedHashSet<>(List.of(glob, glob.replace("**/", "")));
            try {
                for (String form : forms) {
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + form));
                }
            } catch (IllegalArgumentException e) {
                throw new Invalid(where(label, "watch") + "'" + glob + "' is not a glob (" + e.getMessage() + ")");
            }
        }
        Duration debounce = DEBOUNCE;
        if (entry.get("debounce") != null) {
            String text = String.valueOf(entry.get("debounce"));
            debounce = Durations.parse(text).filter(d -> !d.isNegative())
                    .orElseThrow(() -> new Invalid(where(label, "debounce") + "'" + text + "' is not a duration (e.g. 5s, 1m)"));
        }
        return new Watch(List.copyOf(globs), debounce, List.copyOf(matchers));
    }

    private static String text(Map<?, ?> entry, String key, String label) throws Invalid {
        Object value = entry.get(key);
        if (value == null || value instanceof String || value instanceof Number) {
            return value == null ? null : String.valueOf(value);
        }
        throw new Invalid(where(label, key) + "must be a string");
    }
}
