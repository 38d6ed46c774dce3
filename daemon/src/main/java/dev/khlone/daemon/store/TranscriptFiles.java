package dev.khlone.daemon.store;

import dev.khlone.protocol.store.TranscriptEntry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** The clones' transcripts, one file per clone, each appended under its own {@link Transcript}'s lock. */
final class TranscriptFiles implements Closeable {
    private static final Logger LOG = Logger.getLogger(TranscriptFiles.class.getName());

    private final Path dir;
    private final Store.Opener opener;
    /** A brain's reader never waits on another clone or the journal. */
    private final Map<String, Transcript> files = new ConcurrentHashMap<>();

    TranscriptFiles(Path dir, Store.Opener opener) {
        this.dir = dir;
        this.opener = opener;
    }

    /** Appends to a clone's transcript; a line that cannot be written is logged and lost. */
    void append(String slug, TranscriptEntry entry) {
        try {
            Transcript transcript = files.get(slug);
            if (transcript == null) {
                synchronized (files) { // a clone's first line: opening is brief, and rare
                    transcript = files.get(slug);
                    if (transcript == null) {
                        transcript = new Transcript(opener.open(dir.resolve(slug + ".jsonl"), StandardOpenOption.CREATE,
                                StandardOpenOption.READ, StandardOpenOption.WRITE));
                        files.put(slug, transcript);
                    }
                }
            }
            transcript.append(entry.toLine());
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
