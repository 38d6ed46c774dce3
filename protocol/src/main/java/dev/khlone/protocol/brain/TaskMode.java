package dev.khlone.protocol.brain;

/** What a task may do: {@code ASK} must not be able to change the workspace; {@code ACT} may edit, write and run commands. */
public enum TaskMode {
    ASK,
    ACT
}
