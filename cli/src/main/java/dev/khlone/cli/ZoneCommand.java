package dev.khlone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "zone", mixinStandardHelpOptions = true,
        description = {"Manage zones that are worktrees of a branch (--zone @BRANCH makes them)."},
        subcommands = {ZoneRmCommand.class})
final class ZoneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
