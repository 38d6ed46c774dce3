package dev.khlone.protocol.wire;

import java.io.IOException;

/** Where one task stands now. */
public record TaskReport(String re, TaskInfo task) implements Reply {
    public static final String TYPE = "task-report";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("re", re).object("task", task, TaskInfo::write);
    }

    static TaskReport read(Fields f) throws ProtocolException {
        return new TaskReport(f.string("re"), TaskInfo.read(f.object("task")));
    }
}
