package dev.khlone.dist.storm;

import java.util.List;
import java.util.Map;

/** The storms' counts as a table, then every failure reason and note under the storm it belongs to. */
final class Report {
    private static final String ROW = "%-22s %8s %6s %6s %9s %5s %9s %7s %11s %6s  %s%n";

    private Report() {}

    static String table(Size size, List<Counts> storms) {
        StringBuilder out = new StringBuilder();
        out.append("storms (").append(size.name()).append(")\n");
        out.append(String.format(ROW, "storm", "accepted", "done", "failed", "cancelled", "lost", "run twice",
                "doubled", "client fail", "broken", "result"));
        for (Counts c : storms) {
            if (c.notRun() != null) {
                out.append(String.format(ROW, c.storm(), "-", "-", "-", "-", "-", "-", "-", "-", "-", "NOT RUN"));
                continue;
            }
            out.append(String.format(ROW, c.storm(), c.accepted(), c.done(), c.failedTotal(), c.cancelled(), c.lost(),
                    c.runTwice(), c.doubled(), c.clientFailures(), c.broken(), c.passed() ? "passed" : "FAILED"));
        }
        for (Counts c : storms) {
            if (c.notRun() != null) {
                out.append("\n").append(c.storm()).append(": not run: ").append(c.notRun()).append('\n');
                continue;
            }
            if (c.failed().isEmpty() && c.notes().isEmpty()) {
                continue;
            }
            out.append("\n").append(c.storm()).append(":\n");
            for (Map.Entry<String, Integer> reason : c.failed().entrySet()) {
                out.append("  failed ×").append(reason.getValue()).append(": ").append(reason.getKey()).append('\n');
            }
            for (String note : c.notes()) {
                out.append("  ").append(note).append('\n');
            }
        }
        return out.toString();
    }
}
