package dev.khlone.daemon.notify;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What a hook is told, in its environment: never in its command line, so no word of a prompt or result is run. */
public record Event(Kind kind, String zone, String slug, String task, String status, String result, Double costUsd,
                    String trigger) {
    /** An event of no khlone.yml trigger's task. */
    public Event(Kind kind, String zone, String slug, String task, String status, String result, Double costUsd) {
        this(kind, zone, slug, task, status, result, costUsd, null);
    }

    public enum Kind {
        TASK_DONE, TASK_FAILED, CLONE_FAILED, QUEUE_EMPTY;

        /** {@code task-done}, as khlone.yml names it. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The variables the hook's process gets; an absent value is an absent variable. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KHLONE_EVENT", kind.wire());
        env.put("KHLONE_ZONE", zone);
        put(env, "KHLONE_CLONE", slug);
        put(env, "KHLONE_TASK", task);
        put(env, "KHLONE_STATUS", status);
        put(env, "KHLONE_RESULT", result == null ? null : result.strip().lines().findFirst().orElse(""));
        put(env, "KHLONE_COST_USD", costUsd == null ? null : String.format(Locale.ROOT, "%.4f", costUsd));
        put(env, "KHLONE_TRIGGER", trigger);
        return env;
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }
}
