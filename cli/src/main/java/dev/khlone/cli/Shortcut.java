package dev.khlone.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code khlone status} with plain arguments, run without picocli. Starting picocli costs a client
 * more than the whole rest of a warm {@code status} (at least 35 ms measured, even with a model built
 * in code rather than from annotations), and {@code status} is what people and scripts run most.
 * Anything this does not fully understand (help, an unknown or repeated option, a value that looks
 * like an option or does not convert) is left to picocli, which stays the one source of help, usage
 * errors and completion. ShortcutTest checks that both read every line taken here the same way.
 */
final class Shortcut {
    private Shortcut() {}

    /** The exit code of {@code args} run without picocli, or null when picocli must parse them. */
    static Integer run(String[] args, PrintWriter out, PrintWriter err, Host host) {
        StatusCommand status = status(args, host);
        if (status == null) {
            return null;
        }
        try {
            return status.run(out);
        } catch (KhloneException e) {
            return Main.report(e, err, host);
        }
    }

    /** {@code status [CLONE] [--json] [--zone PATH] [--who WHO] [--task ID]}, each at most once; else null. */
    static StatusCommand status(String[] args, Host host) {
        if (args.length == 0 || !args[0].equals("status")) {
            return null;
        }
        StatusCommand command = new StatusCommand(host);
        command.zoneOption = new ZoneOption(host);
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("-")) { // the CLONE parameter, at most once
                if (command.clone != null) {
                    return null;
                }
                try {
                    command.clone = new Clones.WhoConverter().convert(name);
                } catch (Clones.Unreadable e) {
                    return null;
                }
                continue;
            }
            String value = null;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!seen.add(name)) {
                return null;
            }
            if (name.equals("--json")) {
                if (value != null) {
                    return null;
                }
                command.json = true;
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                    return null;
                }
                value = args[++i];
            }
            try {
                switch (name) {
                    case "--zone" -> command.zoneOption.root = Path.of(value);
                    case "--who" -> command.who = new Clones.WhoConverter().convert(value);
                    case "--task" -> command.task = value;
                    default -> {
                        return null;
                    }
                }
            } catch (InvalidPathException | Clones.Unreadable e) {
                return null;
            }
        }
        return command;
    }
}
