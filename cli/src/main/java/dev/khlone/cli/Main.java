package dev.khlone.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of the {@code khlone} command; the only place that exits the JVM. */
public final class Main {
    private Main() {}

    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    public static void main(String[] args) {
        // The JDK's own selector provider, named: else the first socket looks for another in every jar of the class
        // path (a ServiceLoader scan), JLine's too, which only khlone top uses. khlone runs on Linux only.
        if (System.getProperty(SELECTOR_PROVIDER) == null) {
            System.setProperty(SELECTOR_PROVIDER, "sun.nio.ch.EPollSelectorProvider");
        }
        // UTF-8 whatever the locale: results, prompts and the crew's marks are UTF-8, and Java 17 would print '?' under LC_ALL=C.
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), Host.system()));
    }

    /** Runs one command line with the given output and error writers; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Host host) {
        Integer quick = Shortcut.run(args, out, err, host);
        if (quick != null) {
            return quick;
        }
        if (args.length > 0 && !args[0].startsWith("-") && !Khlone.isCommand(args[0])) {
            // Whatever follows (even --help): running something else than what was typed helps nobody.
            return report(Khlone.unknownCommand(args[0]), err, host);
        }
        CommandLine cli = Khlone.commandLine(args, new Factory(host));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof KhloneException k) {
                return report(k, commandLine.getErr(), host);
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, arguments) -> {
            if (e.getCause() instanceof Clones.Unreadable unreadable) {
                String where = e.getArgSpec() instanceof CommandLine.Model.OptionSpec option
                        ? option.longestName() : e.getCommandLine().getCommandName();
                return report(unreadable.at(where), e.getCommandLine().getErr(), host);
            }
            return report(Khlone.usageError(e), e.getCommandLine().getErr(), host);
        });
        return cli.execute(args);
    }

    /** The one way an error reaches the user: {@code khlone: what went wrong}, a hint, and its exit code. */
    static int report(KhloneException e, PrintWriter err, Host host) {
        Paint paint = host.errorPaint();
        err.println(paint.red("khlone:") + " " + Render.printable(e.getMessage()));
        if (e.hint() != null) {
            err.println("  " + paint.yellow("hint:") + " " + Render.printable(e.hint()));
        }
        if (host.debug()) {
            e.printStackTrace(err);
        }
        return e.exitCode();
    }

    /** Creates commands and mixins, handing the {@link Host} to those whose constructor takes it. */
    static final class Factory implements CommandLine.IFactory {
        private final Host host;

        Factory(Host host) {
            this.host = host;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<K> withHost;
            try {
                withHost = type.getDeclaredConstructor(Host.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
            return withHost.newInstance(host);
        }
    }
}
