package dev.khlone.protocol.zone;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The user's secret that keys zone ids, {@code $KHLONE_HOME/zone.key} (0600): another user, who
 * cannot read it, cannot tell which socket path a zone will use, so cannot take that path first.
 * Made on first use, read lazily so that a command that fails before naming a zone creates nothing.
 */
public final class ZoneKey {
    static final String FILE = "zone.key";
    private static final int BYTES = 32;

    private final Path home;
    private byte[] secret;

    private ZoneKey(Path home) {
        this.home = home;
    }

    /** The key kept in {@code home}, created there when first needed. */
    public static ZoneKey in(Path home) {
        return new ZoneKey(home);
    }

    /** Eight hex digits of HMAC-SHA-256 of {@code text} under this key. */
    String shortHash(String text) throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
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
            String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new Unavailable("cannot read or create the zone key " + file + ": " + why, e);
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
