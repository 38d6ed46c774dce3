package dev.khlone.protocol.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of a clone's transcript in the zone's transcripts dir: the live file {@code <slug>.jsonl}
 * ({@code part} 0) that the daemon appends to, or a part it was rotated to once it passed its cap,
 * {@code <slug>.1.jsonl} (the newest) to {@code <slug>.<PARTS>.jsonl} (the oldest). A slug
 * ({@code role.n}) holds one dot and roles none, so a part's name is never a clone's.
 */
public record TranscriptFile(String slug, int part) {
    /**
     * Rotated parts kept besides the live file: a clone keeps at most 4 caps of history on disk and,
     * once rotated, never less than 3; a rotation drops a quarter of it, not a half as one part would.
     */
    public static final int PARTS = 3;

    private static final String SUFFIX = ".jsonl";
    private static final Pattern PART = Pattern.compile("(.+\\.[0-9]+)\\.([1-9][0-9]{0,8})");

    public static TranscriptFile live(String slug) {
        return new TranscriptFile(slug, 0);
    }

    public String fileName() {
        return part == 0 ? slug + SUFFIX : slug + "." + part + SUFFIX;
    }

    /** The transcript file named {@code fileName}, or null when it is none (not {@code *.jsonl}). */
    public static TranscriptFile of(String fileName) {
        if (!fileName.endsWith(SUFFIX) || fileName.length() == SUFFIX.length()) {
            return null;
        }
        String base = fileName.substring(0, fileName.length() - SUFFIX.length());
        Matcher m = PART.matcher(base);
        return m.matches() ? new TranscriptFile(m.group(1), Integer.parseInt(m.group(2))) : live(base);
    }
}
