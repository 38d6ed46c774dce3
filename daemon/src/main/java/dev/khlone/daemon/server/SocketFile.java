package dev.khlone.daemon.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Puts the zone's listening socket in place safely; the caller holds the zone lock throughout, so
 * no other daemon of the zone can be binding, and "nobody answers" cannot change under our feet.
 *
 * <p>The public path is used when it is free or holds a dead socket of ours (taken over). Anything
 * else there — another user's file, a symlink, a file that is not a socket, a socket someone
 * serves — is left alone (never followed, never touched) and the daemon serves on a fresh name
 * beside it, recorded in the zone's private state dir, where clients look first: nobody can keep
 * a zone from running by planting a file in /tmp.
 *
 * <p>The socket is made 0600 right after bind; a connection in between still meets the peer uid
 * check. (Binding elsewhere and renaming into place would close that gap, but junixsocket's accept
 * fails once its bound path no longer names its inode.)
 */
final class SocketFile {
    private static final Logger LOG = Logger.getLogger(SocketFile.class.getName());

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** Far above what a burst of clients needs; the kernel caps it at somaxconn. */
    private static final int BACKLOG = 1024;

    /** A listening socket, where it is, and the inode it made there (to notice it deleted or replaced). */
    record Bound(AFUNIXServerSocket server, Path path, Object inode) {}

    private SocketFile() {}

    /** Binds at {@code publicPath}, or at a fresh name recorded in {@code record} when that is taken. */
    static Bound bind(Path publicPath, Path record, long ownerUid) throws IOException {
        removeFreshSocket(record, publicPath, ownerUid);
        Optional<String> taken = clear(publicPath, ownerUid);
        if (taken.isEmpty()) {
            Bound bound = bindAt(publicPath);
            Files.deleteIfExists(record);
            return bound;
        }
        Path fresh = publicPath.resolveSibling(publicPath.getFileName().toString().replaceFirst("\\.sock$", "")
                + "-" + HexFormat.of().formatHex(randomBytes(4)) + ".sock");
        Bound bound = bindAt(fresh);
        try {
            writeRecord(record, fresh);
        } catch (IOException e) {
            close(bound);
            throw e;
        }
        LOG.warning(taken.get() + "; serving on " + fresh + " instead (clients find it through " + record + ")");
        return bound;
    }

    /** True while the socket file we bound is still there, the same inode. */
    static boolean intact(Bound bound) {
        try {
            return bound.inode().equals(Files.getAttribute(bound.path(), "unix:ino", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the socket and removes its file (if still ours) and, for a fresh name, its record. */
    static void release(Bound bound, Path record) {
        close(bound);
        if (intact(bound)) {
            try {
                Files.delete(bound.path());
            } catch (IOException e) {
                LOG.warning("could not remove socket " + bound.path() + ": " + e.getMessage());
            }
        }
        try {
            if (recorded(record).filter(bound.path()::equals).isPresent()) {
                Files.delete(record);
            }
        } catch (IOException e) {
            LOG.warning("could not remove " + record + ": " + e.getMessage());
        }
    }

    static void close(Bound bound) {
        try {
            bound.server().close();
        } catch (IOException e) {
            LOG.warning("closing the socket " + bound.path() + ": " + e.getMessage());
        }
    }

    private static Bound bindAt(Path path) throws IOException {
        AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
        try {
            // Reuse would let bind replace whatever is at the path; it must be free or fail.
            server.setReuseAddress(false);
            server.setDeleteOnClose(false);
            server.bind(AFUNIXSocketAddress.of(path), BACKLOG);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return new Bound(server, path, Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Why the public path cannot be ours, or empty once it is free: a dead socket of ours is
     * removed; anything else is left as it is.
     */
    private static Optional<String> clear(Path path, long ownerUid) throws IOException {
        PosixFileAttributes attrs = attributes(path);
        if (attrs == null) {
            return Optional.empty();
        }
        if (attrs.isSymbolicLink()) {
            return Optional.of("the socket path " + path + " is a symbolic link");
        }
        long uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != ownerUid) {
            return Optional.of("the socket path " + path + " belongs to another user (uid " + uid + ")");
        }
        if (!isSocket(path)) {
            return Optional.of("the socket path " + path + " exists and is not a socket");
        }
        if (answers(path)) {
            return Optional.of("another process is serving the socket " + path);
        }
        LOG.info("taking over the dead socket " + path);
        Files.delete(path);
        return Optional.empty();
    }

    /** The fresh-named socket an earlier daemon of this zone left (killed, say): ours, and dead, since we hold the lock. */
    private static void removeFreshSocket(Path record, Path publicPath, long ownerUid) throws IOException {
        Optional<Path> old = recorded(record);
        if (old.isEmpty() || !old.get().getParent().equals(publicPath.getParent())) {
            return;
        }
        PosixFileAttributes attrs = attributes(old.get());
        if (attrs != null && !attrs.isSymbolicLink() && isSocket(old.get())
                && (Integer) Files.getAttribute(old.get(), "unix:uid", LinkOption.NOFOLLOW_LINKS) == ownerUid) {
            Files.delete(old.get());
        }
    }

    private static Optional<Path> recorded(Path record) throws IOException {
        try {
            String text = Files.readString(record, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Replaced atomically: a client reads the old name or the new one, never half of one. */
    private static void writeRecord(Path record, Path socket) throws IOException {
        Path tmp = Files.createTempFile(record.getParent(), record.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, socket + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK;
    }

    private static PosixFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
