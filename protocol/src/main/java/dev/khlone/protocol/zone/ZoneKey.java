package dev.khlone.protocol.zone;

import dev.khlone.protocol.Failures;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The user's secret that keys zone ids, {@code $KHLONE_HOME/zone.key} (0600): another user, who
 * cannot read it, cannot tell which socket path a zone will use, so cannot take that path first.
 * Made on first use, read lazily so that a command that fails before naming a zone creates nothing.
 */
public final class ZoneKey {
    static final String FILE = "zone.key";
    private static final int BYTES = 32;
    private static final int BLOCK = 64; // SHA-256's block size

    private final Path home;
    private byte[] secret;

    private ZoneKey(Path home) {
        this.home = home;
    }

    /** The key kept in {@code home}, created there when first needed. */
    public static ZoneKey in(Path home) {
        return new ZoneKey(home);
    }

    /**
     * Eight hex digits of HMAC-SHA-256 (RFC 2104) of {@code text} under this key. Built on
     * {@link Sha256}, not {@code javax.crypto.Mac}: every command names a zone, and the JCE's
     * provider and policy set-up cost a client's start-up more than the rest of the hashing.
     */
    String shortHash(String text) throws IOException {
        byte[] key = secret().length > BLOCK ? Sha256.digest(secret()) : secret();
        byte[] inner = new byte[BLOCK];
        byte[] outer = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            inner[i] = (byte) (k ^ 0x36);
            outer[i] = (byte) (k ^ 0x5c);
        }
        byte[] innerHash = Sha256.digest(inner, text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(Sha256.digest(outer, innerHash), 0, 4);
    }

    private synchronized byte[] secret() throws IOException {
        if (secret == null) {
            secret = loadOrCreate();
        }
        return secret;
    }

    /**
     * Reads the key, or writes a fresh one to a private temp file and links it into place: a link
     * fails if the name exists, so two first clients racing both end up with the one that won.
     */
    private byte[] loadOrCreate() throws Unavailable {
        Path file = home.resolve(FILE);
        try {
            return loadOrCreate(file);
        } catch (IOException e) {
            throw new Unavailable("cannot read or create the zone key " + file + ": " + Failures.of(e, file), e);
        }
    }

    private byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] fresh = new byte[BYTES];
            new SecureRandom().nextBytes(fresh);
            Path tmp = Files.createTempFile(home, FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, HexFormat.of().formatHex(fresh) + "\n");
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lostTheRace) {
                // another client made it first: use theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String text = Files.readString(file).trim();
        try {
            byte[] key = HexFormat.of().parseHex(text);
            if (key.length < 16) {
                throw new IOException(file + " holds a key too short to be secret");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a hex key", e);
        }
    }

    /** The key can be neither read nor made: not a fact about the zone asked for. */
    public static final class Unavailable extends IOException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
