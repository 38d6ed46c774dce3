package dev.khlone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Manage the zone's daemon. Other commands start it when they need it.",
                "One daemon serves each zone (a directory tree, normally a git worktree); it keeps the",
                "clones alive, their queues and conversations on disk, and its log in the zone's state",
                "directory (khlone status shows where)."},
        footerHeading = "%nExamples:%n",
        footer = {"  khlone daemon status             is it running? (exit 0 yes, 3 no)",
                "  khlone daemon restart            after upgrading khlone",
                "  khlone daemon stop --zone DIR    stop another zone's daemon",
                "  khlone daemon run                in the foreground, logging to stderr",
                "  khlone daemon install            start it at login (systemd --user), restart it on failure"},
        subcommands = {DaemonStartCommand.class, DaemonStopCommand.class, DaemonRestartCommand.class,
                DaemonStatusCommand.class, DaemonRunCommand.class, DaemonInstallCommand.class, DaemonUninstallCommand.class})
final class DaemonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
