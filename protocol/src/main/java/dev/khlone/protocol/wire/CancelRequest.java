package dev.khlone.protocol.wire;

import java.io.IOException;

/** Cancels a queued or running task; answers with the cancelled task. */
public record CancelRequest(String id, String task) implements Request {
    public static final String TYPE = "cancel";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("task", task);
    }

    static CancelRequest read(Fields f) throws ProtocolException {
        return new CancelRequest(f.string("id"), f.string("task"));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.cancel(this);
    }
}
