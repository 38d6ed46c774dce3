package dev.khlone.daemon.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** The clones' transcripts, one per clone, each appended and rotated under its own {@link Transcript}'s lock. */
final class TranscriptFiles implements Closeable {
    private static final Logger LOG = Logger.getLogger(TranscriptFiles.class.getName());
    static final long DEFAULT_CAP = 64L << 20;

    private final Path dir;
    private final Store.Opener opener;
    private final long cap;
    /** A brain's reader never waits on another clone or the journal. */
    private final Map<String, Transcript> files = new ConcurrentHashMap<>();

    TranscriptFiles(Path dir, Store.Opener opener, long cap) {
        this.dir = dir;
        this.opener = opener;
        this.cap = cap;
    }

    /**
     * {@code KHLONE_TRANSCRIPT_MAX}: the size past which a clone's live transcript is rotated, in bytes
     * or with a K, M or G suffix (binary); 64M unless set.
     *
     * @throws IOException saying what is wrong with the value and how to set it
     */
    static long cap(Map<String, String> env) throws IOException {
        String value = env.get("KHLONE_TRANSCRIPT_MAX");
        if (value == null || value.isBlank()) {
            return DEFAULT_CAP;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        int shift = v.endsWith("K") ? 10 : v.endsWith("M") ? 20 : v.endsWith("G") ? 30 : 0;
        try {
            long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
            if (n > 0 && n < 1L << (62 - shift)) {
                return n << shift;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IOException("KHLONE_TRANSCRIPT_MAX=" + value + " is not a size; unset it (64M)"
                + " or give bytes or K, M, G, e.g. KHLONE_TRANSCRIPT_MAX=256M");
    }

    /**
     * Appends a line to a clone's transcript, or with {@code held} keeps it for the next write; a line
     * that cannot be written is logged and lost.
     */
    void append(String slug, byte[] line, boolean held) {
        try {
            files.computeIfAbsent(slug, s -> new Transcript(dir, s, opener, cap)).append(line, held);
        } catch (IOException e) {
            LOG.warning("could not append to the transcript of " + slug + ": " + e.getMessage());
        }
    }

    /** Writes the lines held for a clone's transcript. */
    void release(String slug) {
        Transcript transcript = files.get(slug);
        if (transcript == null) {
            return;
        }
        try {
            transcript.release();
        } catch (IOException e) {
            LOG.warning("could not append to the transcript of " + slug + ": " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        for (Transcript transcript : files.values()) {
            transcript.close();
        }
    }
}
