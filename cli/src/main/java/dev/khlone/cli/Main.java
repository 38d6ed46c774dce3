package dev.khlone.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code khlone} command; the only place that exits the JVM. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with the given output and error writers; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Khlone());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof KhloneException) {
                KhloneException k = (KhloneException) e;
                commandLine.getErr().println("khlone: " + k.getMessage());
                if (k.hint() != null) {
                    commandLine.getErr().println("  hint: " + k.hint());
                }
                if (System.getenv("KHLONE_DEBUG") != null) {
                    e.printStackTrace(commandLine.getErr());
                }
                return k.exitCode();
            }
            throw e;
        });
        return cli.execute(args);
    }
}
