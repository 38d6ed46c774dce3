package dev.khlone.protocol.wire;

import java.io.IOException;
import dev.khlone.protocol.store.TranscriptEntry;

/** One thing a clone did, as its transcript records it. */
public record WatchEvent(String re, String slug, TranscriptEntry entry) implements Reply {
    public static final String TYPE = "event";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("clone", slug).object("entry", entry, TranscriptEntry::write);
    }

    static WatchEvent read(Fields f) throws ProtocolException {
        return new WatchEvent(f.string("re"), f.string("clone"), TranscriptEntry.read(f.object("entry")));
    }
}
