package dev.khlone.protocol.brain;

/**
 * One conversation of a brain, the thing a reboot resumes. Some brains let the supervisor choose
 * the id up front (claude's {@code --session-id}); others name it in their first output (codex's
 * thread id), so a series may start with no id. {@code started} says whether the brain has it in
 * its own store yet, that is, whether a launch must resume it rather than begin it.
 */
public record Series(String id, boolean started) {
    public Series {
        if (started && (id == null || id.isBlank())) {
            throw new IllegalArgumentException("a started series has an id");
        }
    }

    /** A conversation not begun yet, with the id chosen for it, or null if the brain will name it. */
    public static Series fresh(String id) {
        return new Series(id, false);
    }

    public static Series started(String id) {
        return new Series(id, true);
    }
}
