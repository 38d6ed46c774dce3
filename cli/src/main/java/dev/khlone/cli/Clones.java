package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;

/**
 * How the command line names clones: picocli converters for {@code --who} (and {@code talk}'s
 * CLONE) and for a clone's slug. A value that is not a clone is a usage error that says where it
 * was written, which picocli knows and a converter does not: {@link Main} finishes the message.
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

    /** One clone by its slug, {@code role.n}, as kill and reboot take it. */
    static final class SlugConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            Who who;
            try {
                who = Who.parse(text);
            } catch (IllegalArgumentException e) {
                throw new Unreadable(where -> new KhloneException(ExitCode.USAGE, e.getMessage(), HINT));
            }
            if (!who.exact() || who.brain() != null) {
                throw new Unreadable(command -> new KhloneException(ExitCode.USAGE,
                        command + " takes one clone by its slug, role.n, not '" + text + "'",
                        "e.g. khlone " + command + " mechanic.1; " + HINT));
            }
            return who.role() + "." + who.index();
        }
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
