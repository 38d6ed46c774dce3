package dev.khlone.protocol.brain;

/** What a person asked for, as text. */
public record Prompt(String text) {
    public Prompt {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a prompt has text");
        }
    }
}
