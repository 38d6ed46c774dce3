package dev.khlone.protocol.wire;

/** Where a new task goes in its clone's queue. */
public enum Placement {
    /** After the tasks queued before it. */
    LAST,
    /** First in the queue, after the running task ({@code --prioritize}). */
    FIRST,
    /** Interrupts the running task, runs, then the interrupted one resumes ({@code --when disrupt}). */
    DISRUPT
}
