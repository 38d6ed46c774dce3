package dev.khlone.testkit.bench;

import java.util.List;

/**
 * One line of the bench's table: khlone's figure, the anchors measured beside it in the same run,
 * khlone's figure as a multiple of the first anchor, and the goal with whether it was met
 * ({@code pass} null when it could not be judged).
 */
record Row(String id, String title, Figure khlone, List<Figure> anchors, String goal, Boolean pass, String note) {

    /** khlone's median over the first anchor's, or NaN when either is missing. */
    double ratio() {
        if (anchors.isEmpty() || !khlone.measured() || !anchors.get(0).measured() || anchors.get(0).median() == 0) {
            return Double.NaN;
        }
        return khlone.median() / anchors.get(0).median();
    }

    String verdict() {
        return pass == null ? "n/a" : pass ? "pass" : "FAIL";
    }
}
