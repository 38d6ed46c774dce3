package dev.khlone.dist.storm;

import dev.khlone.protocol.wire.Protocol;
import dev.khlone.testkit.KhloneHarness.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Malformed frames on raw connections to the zone's socket — garbage, invalid UTF-8, not an
 * object, unknown and wrong types, bad base64, replies sent as requests, deep nesting, half frames
 * cut off by a hang-up, frames over the 1 MiB limit, output frames counting past the limit, lying
 * about their length or cut — while a well-behaved client does its work
 * beside them. Its every command must succeed, the daemon must stay the same process, and no
 * malformed frame may become a task.
 */
record MalformedFrameStorm() implements Storm {
    private static final int CONNECTIONS = 4;
    private static final String HELLO = "{\"type\":\"hello\",\"id\":\"h\",\"protocol\":" + Protocol.VERSION + ",\"client\":\"storm\"}\n";
    private static final List<String> MALFORMED = List.of(
            "[1,2,3]",
            "\"just a string\"",
            "42",
            "{",
            "{\"type\":42}",
            "{\"id\":\"no type\"}",
            "{\"type\":\"launch-missiles\",\"id\":\"m\"}",
            "{\"type\":\"submit\",\"id\":\"s\",\"mode\":\"act\",\"prompt\":42}",
            "{\"type\":\"submit\",\"id\":\"s\",\"mode\":\"sideways\",\"prompt\":\"w\"}",
            "{\"type\":\"submit\",\"id\":\"s\",\"mode\":\"act\"}",
            "{\"type\":\"submit\",\"id\":\"s\",\"mode\":\"act\",\"prompt\":\"x\",\"placement\":\"yes\"}",
            "{\"type\":\"cancel\",\"id\":{},\"task\":[]}",
            "{\"type\":\"input\",\"id\":\"b\",\"data\":\"!!! not base64 ###\"}",
            "{\"type\":\"input\",\"id\":\"b\",\"data\":\"QUJD=\"}",
            "{\"type\":\"resize\",\"id\":\"r\",\"cols\":-5,\"rows\":\"tall\"}",
            "{\"type\":\"welcome\",\"re\":\"x\",\"protocol\":1,\"daemon\":\"d\",\"zone\":\"z\"}",
            "{\"type\":\"status\",\"id\":\"s\"} trailing",
            "{\"type\":\"status\",\"id\":\"s\",\"id\":\"twice\"",
            "[".repeat(200) + "]".repeat(200),
            "{\"type\":\"hello\",\"id\":\"again\",\"protocol\":99,\"client\":\"x\"}",
            "{\"type\":\"output\",\"re\":\"o\",\"bytes\":3}\n{\n}", // a whole output frame: a push, not a request
            "{\"type\":\"output\",\"re\":\"o\",\"data\":\"AAE=\"}"); // protocol 3's output frame
    /** Output frames the daemon cannot read to their end, each the last of its connection: a count past the limit, a lying count, a cut. */
    private static final List<String> UNENDING = List.of(
            "{\"type\":\"output\",\"re\":\"o\",\"bytes\":99999999999}\n",
            "{\"type\":\"output\",\"re\":\"o\",\"bytes\":3}\nhello\n",
            "{\"type\":\"output\",\"re\":\"o\",\"bytes\":1000}\nonly this much");

    @Override
    public String name() {
        return "malformed frames";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        try (StormZone zone = new StormZone()) {
            Result first = zone.run("status");
            if (first.exitCode() != 0) {
                tally.clientFailure("khlone status: " + StormZone.oneLine(first));
                return tally.count(Map.of(), Map.of());
            }
            long daemon = zone.daemonPid().orElseThrow();
            Path socket = zone.khlone().locations().socket(zone.zone);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger connections = new AtomicInteger();
            List<Thread> attackers = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                Random random = new Random(c);
                Thread t = new Thread(() -> attack(socket, size.malformedFrames() / CONNECTIONS, random, sent, accepted,
                        connections), "storm-malformed-" + c);
                t.start();
                attackers.add(t);
            }
            int pings = 0;
            while (attackers.stream().anyMatch(Thread::isAlive) || pings < 3) {
                String prompt = "ping " + pings++;
                Result r = zone.run("act", "--await", prompt);
                StormZone.accepted(r).ifPresent(tally::accepted);
                if (r.exitCode() != 0 || !r.out().equals("echo: " + prompt + "\n")) {
                    tally.clientFailure("khlone act --await \"" + prompt + "\" beside the storm: " + StormZone.oneLine(r));
                }
            }
            for (Thread t : attackers) {
                t.join();
            }
            tally.note(sent.get() + " malformed frames sent, " + connections.get() + " connections, "
                    + pings + " commands of the well-behaved client");
            if (accepted.get() > 0) {
                tally.broken(accepted.get() + " malformed frames were accepted as tasks");
            }
            if (zone.daemonPid().orElse(-1L) != daemon) {
                tally.broken("the daemon did not survive the storm (pid " + daemon + " is gone)");
            }
            long journaled = zone.journal().size();
            if (journaled != tally.acceptedSoFar().size()) {
                tally.broken("the journal holds " + journaled + " tasks, the well-behaved client submitted " + tally.acceptedSoFar().size());
            }
            return tally.count(zone.awaitEnded(tally.acceptedSoFar()), zone.sideEffects());
        }
    }

    /**
     * One raw connection's share of the storm; a connection the daemon ends is opened again (if the
     * daemon stops taking connections altogether, the storm's check of the daemon says so).
     */
    private static void attack(Path socket, int frames, Random random, AtomicInteger sent, AtomicInteger accepted,
            AtomicInteger connections) {
        int left = frames;
        int refused = 0;
        while (left > 0 && refused < 20) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    refused++;
                    Thread.sleep(100); // an attacker's pause before it tries again, not a wait for an event
                    continue;
                }
                refused = 0;
                connections.incrementAndGet();
                Thread drain = drain(Channels.newInputStream(ch), accepted);
                write(ch, HELLO.getBytes(StandardCharsets.UTF_8));
                while (left > 0) {
                    left--;
                    sent.incrementAndGet();
                    int kind = random.nextInt(1000);
                    if (kind == 0) {
                        write(ch, oversize(random));
                        break;
                    }
                    if (kind < 5) {
                        byte[] half = HELLO.substring(0, HELLO.length() / 2).getBytes(StandardCharsets.UTF_8);
                        write(ch, half);
                        break;
                    }
                    if (kind < 10) {
                        write(ch, UNENDING.get(random.nextInt(UNENDING.size())).getBytes(StandardCharsets.UTF_8));
                        break;
                    }
                    write(ch, kind < 200 ? garbage(random) : (MALFORMED.get(random.nextInt(MALFORMED.size())) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                ch.shutdownOutput();
                drain.join(10_000);
            } catch (IOException e) {
                // the daemon hung up (as it may on an oversized frame): open another connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    /** Random bytes, invalid UTF-8 and control characters included, as one line. */
    private static byte[] garbage(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(300)];
        random.nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                bytes[i] = '{';
            }
        }
        bytes[bytes.length - 1] = '\n';
        return bytes;
    }

    private static byte[] oversize(Random random) {
        byte[] bytes = new byte[(1 << 20) + 1 + random.nextInt(1024)];
        Arrays.fill(bytes, (byte) 'x');
        bytes[0] = '{';
        bytes[bytes.length - 1] = '\n';
        return bytes;
    }

    /** Reads the daemon's replies so that it never waits on us; counts any that accepted a task. */
    private static Thread drain(InputStream in, AtomicInteger accepted) {
        Thread t = new Thread(() -> {
            StringBuilder line = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            if (line.indexOf("\"type\":\"accepted\"") >= 0) {
                                accepted.incrementAndGet();
                            }
                            line.setLength(0);
                        } else if (line.length() < 200) {
                            line.append((char) buffer[i]);
                        }
                    }
                }
            } catch (IOException e) {
                // the daemon hung up on us: the attacker opens another connection
            }
        }, "storm-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
