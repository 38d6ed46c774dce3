package dev.khlone.protocol.wire;

import java.io.IOException;

/**
 * One brain as {@code khlone doctor} shows it, checked by the daemon in the environment its brains
 * get: the binary it would run (null when none), what its {@code --version} says (null when it
 * could not say), the version khlone is tested on, and the preflight's problem and hint (null when
 * it can run).
 */
public record BrainReport(String name, String binary, String version, String tested, String problem, String hint) {

    public void write(FrameWriter out) throws IOException {
        out.string("name", name).string("binary", binary).string("version", version).string("tested", tested)
                .string("problem", problem).string("hint", hint);
    }

    public static BrainReport read(Fields f) throws ProtocolException {
        return new BrainReport(f.string("name"), f.optionalString("binary"), f.optionalString("version"),
                f.optionalString("tested"), f.optionalString("problem"), f.optionalString("hint"));
    }
}
