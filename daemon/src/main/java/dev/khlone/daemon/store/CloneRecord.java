package dev.khlone.daemon.store;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.FrameWriter;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A clone as the crew file keeps it: who it is, its brain and settings, its series, and its work
 * (the task it runs, then its queue, by task id). {@code failure} is set while the clone is failed.
 * {@code pid} and {@code pidStartMs} name its brain process, so that a daemon that follows one
 * killed with -9 can end the brain it left behind.
 */
public record CloneRecord(String slug, String role, int index, String brain, String model, List<String> args,
                          Map<String, String> env, String seriesId, boolean seriesStarted, String current,
                          List<String> queue, String failure, long pid, long pidStartMs) implements Codec.Writable {

    public CloneRecord {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        queue = List.copyOf(queue);
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("slug", slug).string("role", role).number("index", index).string("brain", brain)
                .string("model", model).strings("args", args)
                .list("env", List.copyOf(env.entrySet()), (e, w) -> w.string("name", e.getKey()).string("value", e.getValue()))
                .string("seriesId", seriesId).bool("seriesStarted", seriesStarted).string("current", current)
                .strings("queue", queue).string("failure", failure).number("pid", pid).number("pidStartMs", pidStartMs);
    }

    static CloneRecord read(Fields f) throws ProtocolException {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Fields e : f.list("env")) {
            env.put(e.string("name"), e.string("value"));
        }
        return new CloneRecord(f.string("slug"), f.string("role"), f.integer("index"), f.string("brain"),
                f.optionalString("model"), f.strings("args"), env, f.optionalString("seriesId"),
                f.bool("seriesStarted", false), f.optionalString("current"), f.strings("queue"),
                f.optionalString("failure"), f.optionalNumber("pid") == null ? 0 : f.number("pid"),
                f.optionalNumber("pidStartMs") == null ? 0 : f.number("pidStartMs"));
    }
}
