package dev.khlone.protocol.wire;

/** Constants both ends agree on. Bump {@link #VERSION} on any incompatible change to the frames. */
public final class Protocol {
    /** Checked in hello/welcome: a client and daemon of different versions refuse each other clearly. */
    public static final int VERSION = 4;
    /** The largest frame either side accepts, in bytes, newline excluded (an output frame: its header line, newline and bytes). */
    public static final int MAX_FRAME = 1 << 20;

    private Protocol() {}
}
