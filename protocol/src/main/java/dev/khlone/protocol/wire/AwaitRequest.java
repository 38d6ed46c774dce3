package dev.khlone.protocol.wire;

import java.io.IOException;

/** Answers with {@link TaskEnded} once the task has ended (at once if it has). */
public record AwaitRequest(String id, String task) implements Request {
    public static final String TYPE = "await";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("task", task);
    }

    static AwaitRequest read(Fields f) throws ProtocolException {
        return new AwaitRequest(f.string("id"), f.string("task"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.await(this);
    }
}
