package dev.khlone.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Serve the zone in the foreground, logging to stderr.",
                "Runs until ctrl-c, SIGTERM or 'khlone daemon stop'. For debugging and service managers;",
                "other commands start the daemon in the background on their own."})
final class DaemonRunCommand implements Callable<Integer> {
    @Mixin
    ZoneOption zoneOption;

    @Override
    public Integer call() throws InterruptedException {
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
