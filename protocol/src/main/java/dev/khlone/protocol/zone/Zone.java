package dev.khlone.protocol.zone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A directory tree served by one daemon. The id is a readable slug of the root's name plus a short
 * hash of its canonical path keyed with the user's {@link ZoneKey}: stable for a path, distinct
 * between paths that share a name, and not predictable by other users (it names the zone's socket).
 */
public record Zone(Path root, String id) {
    private static final int SLUG_MAX = 24;

    /** The zone of a working directory: the git worktree root containing it, else the directory itself. */
    public static Zone containing(Path dir, ZoneKey key) throws IOException {
        Path real = dir.toRealPath();
        for (Path p = real; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return at(p, key);
            }
        }
        return at(real, key);
    }

    /** The zone rooted exactly at {@code root}, as {@code --zone} names it. */
    public static Zone at(Path root, ZoneKey key) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("zone root " + root + " is not a directory");
        }
        Path real = root.toRealPath();
        return new Zone(real, slug(real) + "-" + key.shortHash(real.toString()));
    }

    /**
     * The root's name in lower-case letters and digits, other runs as one '-', at most SLUG_MAX
     * long. By hand, not with regular expressions: compiling them cost every command a millisecond.
     */
    private static String slug(Path root) {
        Path name = root.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < lower.length() && s.length() < SLUG_MAX; i++) {
            char c = lower.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                s.append(c);
            } else if (s.length() > 0 && s.charAt(s.length() - 1) != '-') {
                s.append('-');
            }
        }
        while (s.length() > 0 && s.charAt(s.length() - 1) == '-') {
            s.setLength(s.length() - 1);
        }
        return s.length() == 0 ? "root" : s.toString();
    }
}
