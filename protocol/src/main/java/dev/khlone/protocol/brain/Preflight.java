package dev.khlone.protocol.brain;

/** Whether a brain can run here; if not, what is wrong and what to do, in words for people. */
public record Preflight(boolean ok, String problem, String hint) {
    public static final Preflight OK = new Preflight(true, null, null);

    public static Preflight problem(String problem, String hint) {
        return new Preflight(false, problem, hint);
    }
}
