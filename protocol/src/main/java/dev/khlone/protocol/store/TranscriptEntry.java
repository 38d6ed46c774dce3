package dev.khlone.protocol.store;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.FrameWriter;
import dev.khlone.protocol.wire.ProtocolException;
import java.io.IOException;
import java.util.Locale;

/**
 * One line of a clone's transcript ({@code transcripts/<clone>.jsonl} in the zone's state dir):
 * the daemon appends them, {@code khlone log} reads them, with or without a daemon running.
 * {@code tool} names the tool of {@code TOOL} and {@code TOOL_RESULT} entries.
 */
public record TranscriptEntry(long timeMs, String task, Kind kind, String text, String tool, boolean isError)
        implements Codec.Writable {

    public enum Kind {
        /** What the task asked. */
        PROMPT,
        /** The model's words. */
        TEXT,
        /** A tool call; {@code text} holds its input. */
        TOOL,
        /** A tool's answer. */
        TOOL_RESULT,
        /** The turn's end: its result text, or the reason it failed. */
        RESULT,
        /** Something went wrong outside a turn's result (a crash, a cancel). */
        ERROR,
        /** What the supervisor did: rebooted, talked, restored. */
        NOTE;

        /** Computed once: every transcript line and watch event writes it (it showed in profiles). */
        private final String wire = name().toLowerCase(Locale.ROOT).replace('_', '-');

        public String wire() {
            return wire;
        }

        static Kind of(String wire) throws ProtocolException {
            for (Kind k : values()) {
                if (k.wire().equals(wire)) {
                    return k;
                }
            }
            throw new ProtocolException(dev.khlone.protocol.wire.ErrorCode.BAD_REQUEST, "unknown transcript kind '" + wire + "'");
        }
    }

    @Override
    public void write(FrameWriter out) throws IOException {
        out.number("timeMs", timeMs).string("task", task).string("kind", kind.wire()).string("text", text)
                .string("tool", tool);
        if (isError) {
            out.bool("isError", true);
        }
    }

    public byte[] toLine() {
        return Codec.line(this);
    }

    /** Reads one line of a transcript (without its newline). */
    public static TranscriptEntry parse(byte[] line) throws ProtocolException {
        return read(Codec.object(line, "transcript line"));
    }

    public static TranscriptEntry read(Fields f) throws ProtocolException {
        return new TranscriptEntry(f.number("timeMs"), f.optionalString("task"), Kind.of(f.string("kind")),
                f.optionalString("text"), f.optionalString("tool"), f.bool("isError", false));
    }
}
