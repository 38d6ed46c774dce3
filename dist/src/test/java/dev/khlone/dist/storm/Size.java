package dev.khlone.dist.storm;

/**
 * How big the storms are, from the system property {@code khlone.storm}: {@code short} (the default,
 * part of the normal suite, a few minutes at most) or {@code full} (the sizes, for
 * {@code scripts/stress --full}).
 */
record Size(String name, int brainKillTasks, int daemonKillRounds, int malformedFrames, int concurrentSubmits) {
    static final Size SHORT = new Size("short", 5, 3, 5_000, 30);
    static final Size FULL = new Size("full", 50, 20, 100_000, 200);

    static Size fromProperty() {
        String name = System.getProperty("khlone.storm", "short");
        switch (name) {
            case "":
            case "short":
                return SHORT;
            case "full":
                return FULL;
            default:
                throw new IllegalArgumentException("khlone.storm is short or full, not '" + name + "'");
        }
    }
}
