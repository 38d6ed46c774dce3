package dev.khlone.protocol.wire;

import java.io.IOException;

/** The watch has begun; {@code interactive} when the clone shows its TUI (bytes follow), else events follow. */
public record Watching(String re, String slug, boolean interactive) implements Reply {
    public static final String TYPE = "watching";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).string("clone", slug).bool("interactive", interactive);
    }

    static Watching read(Fields f) throws ProtocolException {
        return new Watching(f.string("re"), f.string("clone"), f.bool("interactive", false));
    }
}
