package dev.khlone.protocol.wire;

import java.io.IOException;

/** The awaited task ended: done, failed or cancelled. */
public record TaskEnded(String re, TaskInfo task) implements Reply {
    public static final String TYPE = "task-ended";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).object("task", task, TaskInfo::write);
    }

    static TaskEnded read(Fields f) throws ProtocolException {
        return new TaskEnded(f.string("re"), TaskInfo.read(f.object("task")));
    }
}
