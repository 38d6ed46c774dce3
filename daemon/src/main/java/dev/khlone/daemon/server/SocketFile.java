package dev.khlone.daemon.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Puts the zone's listening socket at its public path safely. Whatever is already there is
 * inspected first: a symlink or another user's file is refused (never followed, never touched);
 * a socket nobody answers on is taken over. The caller holds the zone lock, so "nobody answers"
 * cannot change under our feet. The socket is made 0600 right after bind; a connection in
 * between still meets the peer uid check. (Binding elsewhere and renaming into place would close
 * that gap, but junixsocket's accept fails once its bound path no longer names its inode.)
 */
final class SocketFile {
    private static final Logger LOG = Logger.getLogger(SocketFile.class.getName());

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFile() {}

    static AFUNIXServerSocket bind(Path path, long ownerUid) throws IOException {
        clear(path, ownerUid);
        AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
        try {
            server.setReuseAddress(false);
            server.setDeleteOnClose(false);
            server.bind(AFUNIXSocketAddress.of(path), 64);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Removes the socket at {@code path} if it is still a socket file; anything else is left alone. */
    static void remove(Path path) {
        try {
            if (attributes(path) != null && isSocket(path)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.warning("could not remove socket " + path + ": " + e.getMessage());
        }
    }

    private static void clear(Path path, long ownerUid) throws IOException {
        PosixFileAttributes attrs = attributes(path);
        if (attrs == null) {
            return;
        }
        if (attrs.isSymbolicLink()) {
            throw new IOException("the socket path " + path + " is a symbolic link; refusing to use it."
                    + " Remove it if you did not put it there: rm " + path);
        }
        long uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != ownerUid) {
            throw new IOException("the socket path " + path + " belongs to another user (uid " + uid
                    + "); refusing to use it. Set KHLONE_SOCKET_DIR to a directory of your own");
        }
        if (!isSocket(path)) {
            throw new IOException("the socket path " + path + " exists and is not a socket; move it away");
        }
        if (answers(path)) {
            throw new IOException("another process is serving the socket " + path
                    + "; stop it first (khlone daemon stop)");
        }
        LOG.info("taking over the dead socket " + path);
        Files.delete(path);
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
