package dev.khlone.daemon.store;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.FrameWriter;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A clone as the crew file keeps it: who it is, its brain and the name of its profile (the brain
 * alias of khlone.yml it runs, or the brain's own name: never the profile's settings, whose
 * environment holds API keys), its series, and its work
 * (the task it runs, then its queue, by task id). {@code failure} is set while the clone is failed.
 * {@code pid} and {@code pidStartMs} name its brain process, so that a daemon that follows one
 * killed with -9 can end the brain it left behind; {@code talkSinceMs} (else 0) when a person's talk
 * on a series not begun yet started, so that it can ask the brain what that talk began.
 */
public record CloneRecord(String slug, String role, int index, String brain, String profile, String seriesId,
                          boolean seriesStarted, String current, List<String> queue, String failure, long pid, long pidStartMs,
                          long talkSinceMs) implements Codec.Writable {

    public CloneRecord {
        queue = List.copyOf(queue);
    }

    /** Its work by task id, in the order it runs: the running task, then the queue. */
    public List<String> work() {
        if (current == null) {
            return queue;
        }
        List<String> work = new ArrayList<>(queue.size() + 1);
        work.add(current);
        work.addAll(queue);
        return work;
    }

    /** Whether {@code other} says what this says, its work (the running task and the queue) apart. */
    public boolean sameApartFromWork(CloneRecord other) {
        return equals(new CloneRecord(other.slug, other.role, other.index, other.brain, other.profile, other.seriesId,
                other.seriesStarted, current, queue, other.failure, other.pid, other.pidStartMs, other.talkSinceMs));
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.string("slug", slug).string("role", role).number("index", index).string("brain", brain)
                .string("profile", profile).string("seriesId", seriesId).bool("seriesStarted", seriesStarted).string("current", current)
                .strings("queue", queue).string("failure", failure).number("pid", pid).number("pidStartMs", pidStartMs)
                .number("talkSinceMs", talkSinceMs);
    }

    static CloneRecord read(Fields f) throws ProtocolException {
        // A crew file of an older khlone has the profile's model, args and env instead of its name: they are
        // not read (and so not written again), and the clone runs its plain brain.
        String brain = f.string("brain");
        String profile = f.optionalString("profile");
        return new CloneRecord(f.string("slug"), f.string("role"), f.integer("index"), brain,
                profile == null ? brain : profile, f.optionalString("seriesId"),
                f.bool("seriesStarted", false), f.optionalString("current"), f.strings("queue"),
                f.optionalString("failure"), f.optionalNumber("pid") == null ? 0 : f.number("pid"),
                f.optionalNumber("pidStartMs") == null ? 0 : f.number("pidStartMs"),
                f.optionalNumber("talkSinceMs") == null ? 0 : f.number("talkSinceMs"));
    }
}
