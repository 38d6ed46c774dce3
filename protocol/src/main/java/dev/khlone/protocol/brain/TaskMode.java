package dev.khlone.protocol.brain;

import java.util.Locale;

/**
 * What a task may do: {@code ASK} must not be able to change the workspace; {@code ACT} may edit,
 * write and run commands. The same value travels on the wire, in the journal and to the brain.
 */
public enum TaskMode {
    ASK,
    ACT;

    /** As the wire and the command line name it: {@code ask}, {@code act}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
