package dev.khlone.daemon.crew;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * The zone's {@code khlone.yml} as it is now, parsed again only when it changed: a request
 * looks at the file's size, time and inode, not at its YAML, and no lock of the crew is held
 * while it is read. A file written within the last two seconds is read every time, since two
 * writes within one tick of the file system's clock can leave the same size and time, but parsed
 * again only if its bytes changed (a parse costs most of a millisecond, a submit's whole budget).
 */
final class ConfigFile {
    private static final long FRESH_MS = 2_000;

    private final Path root;

    // Guarded by this.
    private Stamp read;
    /** The bytes {@link #config} was parsed from; null: there was no file. */
    private byte[] content;
    private ZoneConfig config;
    private ZoneConfig.Invalid invalid;

    ConfigFile(Path root) {
        this.root = root;
    }

    /** What a stat of the file says; equal stamps mean the same content, unless the file is fresh. */
    private record Stamp(Object key, long size, long modifiedMs) {
        static final Stamp ABSENT = new Stamp(null, -1, -1);

        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
            } catch (NoSuchFileException e) {
                return ABSENT;
            } catch (IOException e) {
                return new Stamp(e.toString(), -1, System.currentTimeMillis()); // unreadable: look again next time
            }
        }

        boolean fresh() {
            return this != ABSENT && System.currentTimeMillis() - modifiedMs < FRESH_MS;
        }
    }

    /** The settings now in the file (the defaults without one); throws what is wrong with it. */
    synchronized ZoneConfig current() throws ZoneConfig.Invalid {
        Path file = root.resolve(ZoneConfig.FILE);
        Stamp now = Stamp.of(file);
        if (!now.equals(read) || now.fresh()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                bytes = null;
            } catch (IOException e) {
                read = null; // looked at again next time
                throw new ZoneConfig.Invalid(file + " cannot be read (" + e.getMessage() + ")");
            }
            if (read == null || !Arrays.equals(bytes, content)) {
                try {
                    config = ZoneConfig.parse(file, bytes);
                    invalid = null;
                } catch (ZoneConfig.Invalid e) {
                    config = null;
                    invalid = e;
                }
                content = bytes;
            }
            read = now;
        }
        if (invalid != null) {
            throw invalid;
        }
        return config;
    }
}
