package dev.khlone.protocol.wire;

import java.io.IOException;

/** The task is queued (and journaled: it will reach an end even if the daemon dies). */
public record Accepted(String re, TaskInfo task) implements Reply {
    public static final String TYPE = "accepted";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).object("task", task, TaskInfo::write);
    }

    static Accepted read(Fields f) throws ProtocolException {
        return new Accepted(f.string("re"), TaskInfo.read(f.object("task")));
    }
}
