package dev.khlone.protocol;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean": the known word a typo most likely stood for, if any is close enough to say so. */
public final class Nearest {
    private Nearest() {}

    /**
     * The word of {@code known} nearest {@code typo}: one it begins (a command cut short) or one at
     * most two edits away (a third of the word for short ones), the fewest edits first.
     */
    public static Optional<String> to(String typo, Collection<String> known) {
        return known.stream()
                .filter(word -> typo.length() >= 2 && word.startsWith(typo) || distance(typo, word) <= Math.min(2, Math.max(1, word.length() / 3)))
                .min(Comparator.comparingInt((String word) -> distance(typo, word)).thenComparing(Comparator.naturalOrder()));
    }

    /** Edits (insert, delete, replace, swap two neighbours) from {@code a} to {@code b}. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
