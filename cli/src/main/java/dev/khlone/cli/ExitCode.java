package dev.khlone.cli;

/** What {@code khlone} exits with; documented in {@code khlone --help} and the README. */
final class ExitCode {
    static final int OK = 0;
    /** The command ran and failed: a task failed, a daemon would not stop, the daemon refused. */
    static final int FAILED = 1;
    /** The command line was wrong; nothing was done. */
    static final int USAGE = 2;
    /** No daemon could be reached or started for the zone. */
    static final int UNREACHABLE = 3;

    private ExitCode() {}
}
