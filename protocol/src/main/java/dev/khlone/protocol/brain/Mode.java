package dev.khlone.protocol.brain;

/** How a brain's process runs: headless on pipes working a queue, or its own TUI in a PTY for a person. */
public enum Mode {
    DISPATCH,
    INTERACTIVE
}
