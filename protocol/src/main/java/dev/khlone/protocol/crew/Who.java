package dev.khlone.protocol.crew;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which clone a command means: {@code [role][.n][@brain][++]}. Empty is the hero, that one clone
 * however busy; {@code role} an idle (else the least busy) clone of that role, enrolled if there is
 * none and the role is known (the hero's, khlone.yml's, or one on the crew); {@code role.n} exactly
 * that clone; {@code @brain} filters by brain or picks it for a new clone; {@code ++} always enrolls
 * a new clone with the next index, of any role.
 */
public record Who(String role, Integer index, String brain, boolean enroll) {
    private static final Pattern GRAMMAR = Pattern.compile(
            "(?<role>[a-z][a-z0-9-]*)?(?:\\.(?<index>[1-9][0-9]{0,5}))?(?:@(?<brain>[a-z][a-z0-9-]*))?(?<enroll>\\+\\+)?");

    public static final Who HERO = new Who(null, null, null, false);

    public Who {
        if (index != null && role == null) {
            throw new IllegalArgumentException("a clone number needs a role, e.g. mechanic.1");
        }
        if (index != null && enroll) {
            throw new IllegalArgumentException("'++' enrolls a new clone, so it takes no number");
        }
    }

    /**
     * Parses what a user wrote after {@code --who}.
     *
     * @throws IllegalArgumentException saying what is wrong, with the grammar
     */
    public static Who parse(String text) {
        if (text == null || text.isEmpty()) {
            return HERO;
        }
        Matcher m = GRAMMAR.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a clone: write [role][.n][@brain][++],"
                    + " e.g. mechanic, mechanic.2, scout@codex or mechanic++ (roles and brains in lower case)");
        }
        String index = m.group("index");
        return new Who(m.group("role"), index == null ? null : Integer.valueOf(index), m.group("brain"),
                m.group("enroll") != null);
    }

    /** Names exactly one existing clone. */
    public boolean exact() {
        return index != null;
    }

    @Override
    public String toString() {
        return (role == null ? "" : role) + (index == null ? "" : "." + index) + (brain == null ? "" : "@" + brain)
                + (enroll ? "++" : "");
    }
}
