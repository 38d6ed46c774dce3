package dev.khlone.cli;

import dev.khlone.protocol.Nearest;
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
        footer = {"  khlone act \"fix the flaky test\"  the hero (the first clone) takes a task",
                "  khlone ask --who scout@codex++ --await \"why is the build slow?\"",
                "  khlone status                    the crew, and what each clone is doing",
                "  khlone top                       the same, live and full screen; enter talks to a clone",
                "  khlone watch                     the hero at work, live; ctrl-c to stop",
                "  khlone talk                      the hero's own TUI; ctrl-] gives it back",
                "  khlone log -f                    what they say, as they say it",
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
            TalkCommand.class, StatusCommand.class, TopCommand.class, TasksCommand.class, WaitCommand.class, LogCommand.class,
            CancelCommand.class, KillCommand.class, TriggersCommand.class,
            RebootCommand.class, ZonesCommand.class, ZoneCommand.class, DaemonCommand.class, DoctorCommand.class, CompletionCommand.class, VersionCommand.class,
            ManPagesCommand.class, CommandLine.HelpCommand.class);

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
        cli.setUsageHelpAutoWidth(true); // help fits a wide terminal; 80 columns when not a terminal
        return cli;
    }

    /** Whether {@code name} is one of khlone's commands (help included). */
    static boolean isCommand(String name) {
        return commandNames().contains(name);
    }

    private static List<String> commandNames() {
        return COMMANDS.stream().map(c -> c.getAnnotation(Command.class).name()).toList();
    }

    static KhloneException unknownCommand(String name) {
        return new KhloneException(ExitCode.USAGE, "unknown command '" + name + "'",
                Nearest.to(name, commandNames()).map(near -> "did you mean 'khlone " + near + "'? ").orElse("")
                        + "khlone --help lists the commands");
    }

    /**
     * A parse error as one {@code khlone: ...} line and a hint, not picocli's message followed by the
     * whole usage: the command's --help is one command away and says more.
     */
    static KhloneException usageError(CommandLine.ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        String command = spec.qualifiedName();
        String help = command + " --help";
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (unmatched.isUnknownOption()) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return new KhloneException(ExitCode.USAGE, "unknown option '" + name + "' for " + command,
                        Nearest.to(name, spec.optionsMap().keySet()).map(near -> "did you mean " + near + "? ").orElse("")
                                + help + " lists its options");
            }
            if (!spec.subcommands().isEmpty()) {
                return new KhloneException(ExitCode.USAGE, "unknown command '" + first + "' for " + command,
                        Nearest.to(first, spec.subcommands().keySet()).map(near -> "did you mean '" + command + " " + near + "'? ")
                                .orElse("") + help + " lists them");
            }
            return new KhloneException(ExitCode.USAGE, "unexpected argument '" + first + "' for " + command,
                    help + " says what it takes");
        }
        String message = e.getMessage() == null ? "invalid arguments" : e.getMessage().lines().findFirst().orElse("");
        return new KhloneException(ExitCode.USAGE, lowerFirst(message), "see " + help);
    }

    /** "Missing parameter" as "missing parameter", to read as the rest of khlone's errors; "URL ..." stays. */
    private static String lowerFirst(String s) {
        return s.length() < 2 || Character.isUpperCase(s.charAt(1)) ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
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
