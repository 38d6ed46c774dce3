package dev.khlone.protocol.brain;

/**
 * What a brain's structured output means. A turn ends on {@link TurnCompleted} or {@link Failed},
 * never by scraping a screen or waiting for the process to exit.
 */
public sealed interface BrainEvent {
    /** The brain named or confirmed its conversation, which it now has stored: later launches resume it. */
    record SessionStarted(String series) implements BrainEvent {}

    /**
     * One whole message of the model's words: a dialect whose brain streams a message in pieces
     * joins them, since the pieces cut words anywhere and a transcript keeps what a person reads.
     */
    record Text(String text) implements BrainEvent {}

    /** The model called a tool; {@code input} is the call's arguments as JSON. */
    record ToolUse(String id, String name, String input) implements BrainEvent {}

    /** A tool's answer to the call {@code id}. */
    record ToolResult(String id, String output, boolean isError) implements BrainEvent {}

    /**
     * The end of a turn, with its final text (or, when {@code isError}, the reason it failed, such
     * as the API's message), what it used and cost (null when the brain does not say), and how long it took.
     */
    record TurnCompleted(String result, Usage usage, Double costUsd, long durationMs, boolean isError)
            implements BrainEvent {}

    /** The turn cannot complete: the brain said so outside a turn result, or its output made no sense. */
    record Failed(String message) implements BrainEvent {}

    /** Output the dialect did not understand, kept for raw views and logs. */
    record Raw(byte[] bytes) implements BrainEvent {}
}
