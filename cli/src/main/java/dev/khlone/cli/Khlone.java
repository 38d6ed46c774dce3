package dev.khlone.cli;

import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.Protocol;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root command: lists the commands; each lives in its own class. They are added by
 * {@link #commandLine}, not named in the annotation: picocli builds the model of every command it is
 * given, which cost more than the rest of a {@code khlone status}.
 */
@Command(name = "khlone", mixinStandardHelpOptions = true, versionProvider = Khlone.VersionProvider.class,
        description = {"A supervisor for coding-agent CLIs: one daemon per directory tree (a zone)",
                "keeps your agents alive, queues their work, and lets you watch and talk to them."},
        footerHeading = "%nExamples:%n",
        footer = {"  khlone act \"fix the flaky test\"        the hero (the first clone) takes a task",
                "  khlone ask --who scout@codex++ --await \"why is the build slow?\"",
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

    /** In the order {@code khlone --help} lists them. */
    private static final List<Class<?>> COMMANDS = List.of(ActCommand.class, AskCommand.class, WatchCommand.class,
            TalkCommand.class, StatusCommand.class, LogCommand.class, CancelCommand.class, KillCommand.class,
            RebootCommand.class, DaemonCommand.class, VersionCommand.class, CommandLine.HelpCommand.class);

    /**
     * The command line for {@code args}: when they begin with a command's name, only that command is
     * built; otherwise (help, usage errors, no command) all are, for picocli's listing and suggestions.
     */
    static CommandLine commandLine(String[] args, CommandLine.IFactory factory) {
        CommandLine cli = new CommandLine(new Khlone(), factory);
        Optional<Class<?>> named = args.length == 0 ? Optional.empty() : COMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0]))
                .findFirst();
        named.<List<Class<?>>>map(List::of).orElse(COMMANDS).forEach(cli::addSubcommand);
        return cli;
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
