package dev.khlone.protocol.wire;

import dev.khlone.protocol.store.TranscriptEntry;
import java.io.IOException;

/** What the daemon sends unasked while a watch or talk lasts; {@code re} names the watch or talk request. */
public sealed interface Push extends Reply {

    /** Bytes the clone's terminal (or, for raw watchers in dispatch, its stdout) wrote: the one binary frame. */
    record Output(String re, byte[] data) implements Push {
        public static final String TYPE = "output";

        @Override
        public String type() {
            return TYPE;
        }

        /** The header's fields: its bytes follow the header line ({@link OutputFrames}). */
        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).number("bytes", data.length);
        }

        /** An output header in another form than {@link OutputFrames} reads: its bytes cannot be found. */
        static Output read(Fields f) throws ProtocolException {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "an output frame's header must begin {\"type\":\"output\", and end with its byte count",
                    "send frames of this khlone's protocol");
        }
    }

    /** One thing a clone did, as its transcript records it. */
    record Event(String re, String slug, TranscriptEntry entry) implements Push {
        public static final String TYPE = "event";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("clone", slug).object("entry", entry, TranscriptEntry::write);
        }

        static Event read(Fields f) throws ProtocolException {
            return new Event(f.string("re"), f.string("clone"), TranscriptEntry.read(f.object("entry")));
        }
    }

    /** Something a watcher or talker should be told, as a line for people. */
    record Notice(String re, String text) implements Push {
        public static final String TYPE = "notice";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("text", text);
        }

        static Notice read(Fields f) throws ProtocolException {
            return new Notice(f.string("re"), f.string("text"));
        }
    }

    /** The talk is over and the clone is back to its queue; {@code reason} says why (detached, the TUI exited, ...). */
    record TalkEnded(String re, String reason) implements Push {
        public static final String TYPE = "talk-ended";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("reason", reason);
        }

        static TalkEnded read(Fields f) throws ProtocolException {
            return new TalkEnded(f.string("re"), f.string("reason"));
        }
    }

    /** A followed clone changed; {@code info} (the wire's {@code clone}) is all of it as it is now. */
    record CloneChanged(String re, CloneInfo info) implements Push {
        public static final String TYPE = "clone-changed";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).object("clone", info, CloneInfo::write);
        }

        static CloneChanged read(Fields f) throws ProtocolException {
            return new CloneChanged(f.string("re"), CloneInfo.read(f.object("clone")));
        }
    }

    /** A followed clone left the crew (it was killed). */
    record CloneLeft(String re, String slug) implements Push {
        public static final String TYPE = "clone-left";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("clone", slug);
        }

        static CloneLeft read(Fields f) throws ProtocolException {
            return new CloneLeft(f.string("re"), f.string("clone"));
        }
    }
}
