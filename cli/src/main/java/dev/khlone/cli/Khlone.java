package dev.khlone.cli;

import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.Protocol;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the commands; each lives in its own class. */
@Command(name = "khlone", mixinStandardHelpOptions = true, versionProvider = Khlone.VersionProvider.class,
        description = {"A supervisor for coding-agent CLIs: one daemon per directory tree (a zone)",
                "keeps your agents alive, queues their work, and lets you watch and talk to them."},
        subcommands = {ActCommand.class, AskCommand.class, WatchCommand.class, TalkCommand.class, StatusCommand.class,
                LogCommand.class, CancelCommand.class,
                KillCommand.class, RebootCommand.class, DaemonCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  khlone act \"fix the flaky test\"        the hero (the first clone) takes a task",
                "  khlone ask --who scout@codex --await \"why is the build slow?\"",
                "  khlone status                          the crew, and what each clone is doing",
                "  khlone watch                           the hero at work, live (ctrl-c leaves it working)",
                "  khlone talk                            drop into the hero's own TUI; ctrl-] gives it back",
                "  khlone log -f                          what they say, as they say it",
                "",
                "Exit codes:",
                "  0  ok", "  1  the command failed", "  2  usage error: nothing was done",
                "  3  the zone daemon could not be reached or started"})
final class Khlone implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    static String version() {
        return "khlone " + Version.CURRENT + " (protocol " + Protocol.VERSION + ")";
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
