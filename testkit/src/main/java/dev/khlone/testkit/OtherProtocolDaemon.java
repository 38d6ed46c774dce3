package dev.khlone.testkit;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.FrameReader;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A zone daemon of a khlone that speaks another protocol, as a user has one running after
 * installing a newer khlone: it holds the zone's lock (with its pid) and its socket, and answers
 * every hello with {@code protocol-mismatch}, as a real daemon does; SIGTERM ends it and removes
 * the socket. Run in a JVM of its own: {@code OtherProtocolDaemon KHLONE_HOME SOCKET_DIR ZONE_ROOT}.
 */
public final class OtherProtocolDaemon {
    private OtherProtocolDaemon() {}

    public static void main(String[] args) throws Exception {
        Locations locations = new Locations(Path.of(args[0]), Path.of(args[1]));
        Zone zone = locations.zoneAt(Path.of(args[2]));
        Files.createDirectories(locations.zoneDir(zone));
        Files.writeString(locations.rootRecord(zone), zone.root() + "\n"); // as daemons since protocol 3 do, for khlone zones
        FileChannel lock = FileChannel.open(locations.daemonLock(zone), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        lock.lock();
        lock.truncate(0);
        lock.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        Path socket = locations.socket(zone);
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(socket);
            } catch (Exception ignored) {
                // going anyway
            }
        }));
        System.out.println("serving " + socket);
        System.out.flush();
        while (true) {
            try (SocketChannel client = server.accept()) {
                InputStream in = Channels.newInputStream(client);
                byte[] hello = new FrameReader(in).next();
                if (hello == null) {
                    continue;
                }
                String id = Codec.decodeRequest(hello).id();
                ByteBuffer answer = ByteBuffer.wrap(Codec.encode(new Reply.Error(id, ErrorCode.PROTOCOL_MISMATCH,
                        "the zone daemon (khlone 0.0.9) speaks protocol 3, this client speaks another",
                        "restart the daemon with the khlone you are running: khlone daemon restart")));
                while (answer.hasRemaining()) {
                    client.write(answer);
                }
            } catch (Exception e) {
                // a client that went away: the next one
            }
        }
    }
}
