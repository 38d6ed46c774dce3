package dev.khlone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Manage the zone's daemon. Other commands start it when they need it."},
        subcommands = {DaemonStartCommand.class, DaemonStopCommand.class, DaemonRestartCommand.class,
                DaemonStatusCommand.class, DaemonRunCommand.class})
final class DaemonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
