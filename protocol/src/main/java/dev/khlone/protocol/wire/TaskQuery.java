package dev.khlone.protocol.wire;

import java.io.IOException;

/** Asks where one task stands. */
public record TaskQuery(String id, String task) implements Request {
    public static final String TYPE = "task";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("task", task);
    }

    static TaskQuery read(Fields f) throws ProtocolException {
        return new TaskQuery(f.string("id"), f.string("task"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.task(this);
    }
}
