package dev.khlone.testkit.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One measured thing: the median, min and max of its runs in {@code unit}, or why it could not
 * be measured ({@code missing}). {@code detail} says what else a reader should know.
 */
record Figure(String what, String unit, double median, double min, double max, int runs, String detail, String missing) {

    static Figure of(String what, String unit, List<Double> samples) {
        return of(what, unit, samples, null);
    }

    static Figure of(String what, String unit, List<Double> samples, String detail) {
        if (samples.isEmpty()) {
            return missing(what, unit, "no run finished");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Figure(what, unit, median, sorted[0], sorted[n - 1], n, detail, null);
    }

    static Figure single(String what, String unit, double value, String detail) {
        return new Figure(what, unit, value, value, value, 1, detail, null);
    }

    static Figure missing(String what, String unit, String why) {
        return new Figure(what, unit, Double.NaN, Double.NaN, Double.NaN, 0, null, why);
    }

    boolean measured() {
        return missing == null;
    }

    /** "181 ms (170–200, n=9)", or "n/a: why". */
    String text() {
        if (!measured()) {
            return "n/a: " + missing;
        }
        String value = number(median) + " " + unit;
        String spread = runs > 1 ? " (" + number(min) + "–" + number(max) + ", n=" + runs + ")" : "";
        return value + spread;
    }

    static String number(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
