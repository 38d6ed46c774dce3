package dev.khlone.protocol.wire;

import java.io.IOException;

/** Every frame on the zone socket: one JSON object per line with a {@code type} field. */
public sealed interface Message permits Request, Reply {
    /** The wire name, written as the frame's {@code type}. */
    String type();

    /** Writes the fields other than {@code type}. */
    void write(FrameWriter out) throws IOException;
}
