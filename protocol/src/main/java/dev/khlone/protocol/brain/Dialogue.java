package dev.khlone.protocol.brain;

/**
 * The exchange with one dispatch process: what to write to it and what its output means. The
 * architecture's {@code encode(Prompt)} and {@code Decoder} live together here because a
 * persistent protocol such as ACP carries state between them (request ids, the session id it
 * was given). A new dialogue is made for every process; it is used by one reader thread for
 * {@link #decode} and one writer for {@link #opening}/{@link #encode}, never concurrently
 * with itself on either side.
 */
public interface Dialogue {
    /** Where decoded events go; {@link #reply} writes bytes back to the process (answers to its own requests). */
    interface Sink {
        void event(BrainEvent event);

        void reply(byte[] bytes);
    }

    /** Written once, as soon as the process starts (ACP's initialize and session set-up); empty for most brains. */
    default byte[] opening() {
        return new byte[0];
    }

    /**
     * The bytes that hand one prompt to the process: a line for persistent brains, all of stdin
     * for per-task ones. {@code mode} matters to brains that set permissions per prompt (ACP
     * session modes); those that set them at launch have had it in {@link Brain#dispatch}.
     */
    byte[] encode(Prompt prompt, TaskMode mode);

    /** Consumes a chunk of the process's stdout, in order; chunks split lines anywhere. */
    void decode(byte[] chunk, int offset, int length, Sink sink);
}
