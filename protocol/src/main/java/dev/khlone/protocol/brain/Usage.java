package dev.khlone.protocol.brain;

/** Tokens a turn used, as the brain reported them; zero where it reports nothing. */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public long total() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens, cacheWriteTokens + other.cacheWriteTokens);
    }
}
