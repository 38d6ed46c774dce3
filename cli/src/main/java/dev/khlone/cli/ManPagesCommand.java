package dev.khlone.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Writes a man page per command (khlone.1, khlone-status.1, khlone-daemon-stop.1, ...) from the
 * same model as --help; scripts/install runs it. Hidden: people read the pages, not make them.
 */
@Command(name = "man-pages", hidden = true, mixinStandardHelpOptions = true,
        description = "Write khlone's man pages (roff) into DIR.")
final class ManPagesCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Where the pages go (e.g. ~/.local/share/man/man1).")
    Path dir;

    ManPagesCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        CommandLine root = Khlone.commandLine(new String[0], new Main.Factory(host));
        List<CommandSpec> all = new ArrayList<>();
        collect(root.getCommandSpec(), all);
        try {
            Files.createDirectories(dir);
            for (CommandSpec command : all) {
                Files.writeString(dir.resolve(pageName(command) + ".1"), page(command, all));
            }
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot write the man pages to " + dir + ": " + e.getMessage(),
                    "name a directory you can write");
        }
        spec.commandLine().getOut().println("wrote " + all.size() + " man pages to " + dir);
        return ExitCode.OK;
    }

    private static void collect(CommandSpec command, List<CommandSpec> all) {
        if (command.usageMessage().hidden()) {
            return;
        }
        all.add(command);
        for (CommandLine sub : command.subcommands().values()) {
            if (!all.contains(sub.getCommandSpec())) {
                collect(sub.getCommandSpec(), all);
            }
        }
    }

    /** {@code khlone daemon stop} as {@code khlone-daemon-stop}. */
    static String pageName(CommandSpec command) {
        return command.qualifiedName("-");
    }

    static String page(CommandSpec command, List<CommandSpec> all) {
        StringBuilder roff = new StringBuilder();
        String[] description = command.usageMessage().description();
        roff.append(".TH \"").append(pageName(command).toUpperCase(java.util.Locale.ROOT)).append("\" \"1\" \"\" \"")
                .append(Khlone.version()).append("\" \"khlone manual\"\n");
        roff.append(".SH NAME\n").append(escape(pageName(command))).append(" \\- ")
                .append(escape(description.length == 0 ? "" : description[0]).strip()).append('\n');
        roff.append(".SH SYNOPSIS\n.nf\n")
                .append(escape(command.commandLine().getHelp().synopsis(0).stripTrailing())).append("\n.fi\n");
        if (description.length > 1) {
            roff.append(".SH DESCRIPTION\n");
            for (int i = 1; i < description.length; i++) {
                roff.append(line(description[i]));
            }
        }
        List<PositionalParamSpec> positionals = command.positionalParameters().stream()
                .filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            roff.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                roff.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n")
                        .append(line(String.join(" ", p.description())));
            }
        }
        roff.append(".SH OPTIONS\n");
        for (OptionSpec o : command.options()) {
            if (o.hidden()) {
                continue;
            }
            roff.append(".TP\n\\fB").append(escape(String.join(", ", o.names()))).append("\\fR");
            if (o.typeInfo().isBoolean()) {
                roff.append('\n');
            } else {
                roff.append(" \\fI").append(escape(o.paramLabel())).append("\\fR\n");
            }
            roff.append(line(String.join(" ", o.description())));
        }
        if (!command.subcommands().isEmpty()) {
            roff.append(".SH COMMANDS\n");
            command.subcommands().forEach((name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden() && sub.getCommandSpec().name().equals(name)) {
                    String[] d = sub.getCommandSpec().usageMessage().description();
                    roff.append(".TP\n\\fB").append(escape(name)).append("\\fR\n").append(line(d.length == 0 ? "" : d[0]));
                }
            });
        }
        String[] footer = command.usageMessage().footer();
        if (footer.length > 0) {
            roff.append(".SH EXAMPLES\n.nf\n");
            for (String f : footer) {
                roff.append(f.isEmpty() ? ".sp\n" : escape(f) + "\n");
            }
            roff.append(".fi\n");
        }
        roff.append(".SH \"SEE ALSO\"\n");
        // The root names every page; a command names the root, its parent and its own commands.
        List<String> others = all.stream()
                .filter(c -> c != command && (command.parent() == null || c == command.root() || c == command.parent()
                        || c.parent() == command))
                .map(c -> "\\fB" + escape(pageName(c)) + "\\fR(1)").toList();
        roff.append(String.join(",\n", others)).append('\n');
        return roff.toString();
    }

    /** A paragraph line; a blank one becomes a paragraph break. */
    private static String line(String text) {
        return text.isBlank() ? ".PP\n" : escape(text.strip()) + "\n"; // a leading space would break the line
    }

    /**
     * Text roff prints as it is: picocli's format marks (%n, %%) resolved, backslashes and hyphens
     * escaped, no line read as a request.
     */
    static String escape(String text) {
        String escaped = text.replace("%n", " ").replace("%%", "%").replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String l : escaped.split("\n", -1)) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l);
        }
        return out.toString();
    }
}
