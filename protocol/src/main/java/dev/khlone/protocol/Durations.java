package dev.khlone.protocol;

import java.time.Duration;
import java.util.Optional;

/** Durations as people write them: a whole number and a unit, {@code 90s}, {@code 15m}, {@code 2h}, {@code 3d}. */
public final class Durations {
    private Durations() {}

    /** {@code text} as a duration, or empty when it is not one (a unit missing, a fraction, too large). */
    public static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (t.length() < 2 || !t.chars().limit(t.length() - 1).allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return Optional.ofNullable(switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> null;
            });
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
