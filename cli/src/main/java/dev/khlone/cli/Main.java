package dev.khlone.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of the {@code khlone} command; the only place that exits the JVM. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // UTF-8 whatever the locale: results, prompts and the crew's marks are UTF-8, and Java 17 would print '?' under LC_ALL=C.
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), Host.system()));
    }

    /** Runs one command line with the given output and error writers; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Host host) {
        CommandLine cli = new CommandLine(new Khlone(), new Factory(host));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof KhloneException) {
                KhloneException k = (KhloneException) e;
                commandLine.getErr().println("khlone: " + Render.printable(k.getMessage()));
                if (k.hint() != null) {
                    commandLine.getErr().println("  hint: " + Render.printable(k.hint()));
                }
                if (host.env().get("KHLONE_DEBUG") != null) {
                    e.printStackTrace(commandLine.getErr());
                }
                return k.exitCode();
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Creates commands and mixins, handing the {@link Host} to those whose constructor takes it. */
    private static final class Factory implements CommandLine.IFactory {
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
