package dev.khlone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Stop the zone's daemon if it runs, then start it again.",
                "After upgrading khlone, this puts the new version in charge."})
final class DaemonRestartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Override
    public Integer call() {
        DaemonConnector daemon = zoneOption.daemon();
        DaemonStopCommand.stop(daemon, spec.commandLine().getOut());
        DaemonStartCommand.start(daemon, spec.commandLine().getOut());
        return ExitCode.OK;
    }
}
