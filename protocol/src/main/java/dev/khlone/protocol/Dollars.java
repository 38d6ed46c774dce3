package dev.khlone.protocol;

import java.math.BigDecimal;
import java.util.Optional;

/** Amounts of money as people write a budget: {@code 0.50}, {@code 5}, {@code $2.5}; more than nothing, at most a million. */
public final class Dollars {
    private static final BigDecimal MAX = BigDecimal.valueOf(1_000_000);

    private Dollars() {}

    /** {@code text} as dollars, or empty when it is not a positive amount (a word, a sign, zero, an exponent, too much). */
    public static Optional<Double> parse(String text) {
        String t = text.strip();
        if (t.startsWith("$")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
            return Optional.empty();
        }
        try {
            BigDecimal amount = new BigDecimal(t);
            return amount.signum() > 0 && amount.compareTo(MAX) <= 0 ? Optional.of(amount.doubleValue()) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
