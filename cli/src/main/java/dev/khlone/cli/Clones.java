package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;

/**
 * How the command line names clones: a picocli converter for {@code --who} and a command's CLONE
 * parameter, which every command naming one clone takes alike, and a clone's slug. A value that is
 * not a clone is a usage error that says where it was written, which picocli knows and a converter
 * does not: {@link Main} finishes the message.
 */
final class Clones {
    private static final String HINT = "khlone status lists the crew";

    private Clones() {}

    /** {@code [role][.n][@brain][++]}; empty is the hero. */
    static final class WhoConverter implements ITypeConverter<Who> {
        @Override
        public Who convert(String text) {
            try {
                return Who.parse(text);
            } catch (IllegalArgumentException e) {
                throw new Unreadable(where -> new KhloneException(ExitCode.USAGE, where + " " + text + ": " + e.getMessage(), HINT));
            }
        }
    }

    /**
     * The clone a command was given, as its CLONE parameter or as {@code --who}: every command that
     * names one clone takes both, so that neither habit fails; both at once must agree.
     */
    static Who either(Who clone, Who option, String command) {
        if (clone != null && option != null && !clone.equals(option)) {
            throw new KhloneException(ExitCode.USAGE, command + " was given two clones: " + clone + " and --who " + option,
                    "name one: khlone " + command + " " + clone + ", or khlone " + command + " --who " + option);
        }
        return clone != null ? clone : option;
    }

    /** One clone by its slug, {@code role.n}, as kill and reboot take it. */
    static String slug(Who who, String command) {
        if (who == null) {
            throw new KhloneException(ExitCode.USAGE, command + " needs a clone: khlone " + command + " CLONE",
                    "e.g. khlone " + command + " mechanic.1; " + HINT);
        }
        if (!who.exact() || who.brain() != null) {
            throw new KhloneException(ExitCode.USAGE, command + " takes one clone by its slug, role.n, not '" + who + "'",
                    "e.g. khlone " + command + " mechanic.1; " + HINT);
        }
        return who.role() + "." + who.index();
    }

    /** As a request carries it: null for the hero. */
    static String wire(Who who) {
        return who == null || who.equals(Who.HERO) ? null : who.toString();
    }

    /**
     * A value a converter refused; picocli hands it back as the cause of its parameter exception,
     * and {@link #at} makes the error once it is known where the value was written: an option's
     * name, or the command's for a positional parameter.
     */
    static final class Unreadable extends RuntimeException {
        private final transient Function<String, KhloneException> error;

        Unreadable(Function<String, KhloneException> error) {
            super(null, null, false, false);
            this.error = error;
        }

        KhloneException at(String where) {
            return error.apply(where);
        }
    }
}
