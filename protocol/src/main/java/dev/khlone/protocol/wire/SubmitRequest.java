package dev.khlone.protocol.wire;

import java.io.IOException;

/** Queues a task ({@code khlone act} and {@code ask}) for the clone {@code who} names ({@code [role][.n][@brain][++]}, empty for the hero); {@code first} puts it first after the running task, {@code disrupt} interrupts the running task for it. */
public record SubmitRequest(String id, TaskInfo.Mode mode, String prompt, String who, boolean first, boolean disrupt) implements Request {
    public static final String TYPE = "submit";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("id", id).string("mode", mode.wire()).string("prompt", prompt).string("who", who).bool("first", first).bool("disrupt", disrupt);
    }

    static SubmitRequest read(Fields f) throws ProtocolException {
        return new SubmitRequest(f.string("id"), TaskInfo.enumOf(TaskInfo.Mode.class, f, "mode"), f.string("prompt"), f.optionalString("who"), f.bool("first", false), f.bool("disrupt", false));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.submit(this);
    }
}
