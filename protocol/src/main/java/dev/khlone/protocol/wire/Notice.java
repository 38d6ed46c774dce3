package dev.khlone.protocol.wire;

import java.io.IOException;

/** Something a watcher or talker should be told, as a line for people. */
public record Notice(String re, String text) implements Reply {
    public static final String TYPE = "notice";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("text", text);
    }

    static Notice read(Fields f) throws ProtocolException {
        return new Notice(f.string("re"), f.string("text"));
    }
}
