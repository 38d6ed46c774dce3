package dev.khlone.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Serve the zone in the foreground, logging to stderr.",
                "Runs until ctrl-c, SIGTERM or 'khlone daemon stop'. For debugging and service managers;",
                "other commands start the daemon in the background on their own."})
final class DaemonRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    /**
     * For the unit of {@code daemon install}: its shell execs the daemon's own JVM from these words,
     * so that no client JVM waits beside it (50 MB resident) and the line is made anew at each start.
     */
    @Option(names = "--print0", hidden = true, description = "Print the daemon's command line, each word ended by a NUL, and exit.")
    boolean print0;

    @Override
    public Integer call() throws InterruptedException {
        if (print0) {
            PrintWriter out = spec.commandLine().getOut();
            DaemonProcess.command(zoneOption.zone()).forEach(word -> out.print(word + '\0'));
            out.flush();
            return ExitCode.OK;
        }
        Process daemon;
        try {
            daemon = new ProcessBuilder(DaemonProcess.command(zoneOption.zone())).inheritIO().start();
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot start the daemon: " + e.getMessage(), null, e);
        }
        // A SIGTERM to this command reaches the daemon as an orderly stop too.
        Thread forward = new Thread(() -> {
            daemon.destroy();
            try {
                daemon.waitFor();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(forward);
        int code = daemon.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what ended the daemon
        }
        return code;
    }
}
