package dev.khlone.dist.storm;

import dev.khlone.testkit.Await;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.KhloneHarness.Result;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Another user ({@code nobody}) binds a listener at the zone's socket path before the zone's
 * daemon starts, in a socket directory anyone may write to (as /tmp is), and answers a hello as a
 * daemon would. The user's {@code khlone act} must not hand it the prompt, and the zone must still
 * run the user's work.
 */
record ForeignSocketStorm() implements Storm {
    private static final Duration LISTENER_UP = Duration.ofSeconds(30);
    private static final Duration CLIENT = Duration.ofSeconds(20);

    /** A fake daemon: logs every line it gets and greets a hello back. */
    private static final String LISTENER = """
            import java.io.*;
            import java.net.*;
            import java.nio.channels.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.*;
            import java.util.regex.*;

            public class Listener {
                public static void main(String[] args) throws Exception {
                    Path log = Path.of(args[1]);
                    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    server.bind(UnixDomainSocketAddress.of(args[0]));
                    Files.writeString(Path.of(args[1] + ".ready"), "ready");
                    while (true) {
                        SocketChannel client = server.accept();
                        new Thread(() -> serve(client, log)).start();
                    }
                }

                static void serve(SocketChannel client, Path log) {
                    Pattern id = Pattern.compile("\\"id\\"\\\\s*:\\\\s*\\"([^\\"]*)\\"");
                    try (BufferedReader in = new BufferedReader(Channels.newReader(client, StandardCharsets.UTF_8));
                         Writer out = Channels.newWriter(client, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            synchronized (Listener.class) {
                                Files.writeString(log, line + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                            }
                            Matcher m = id.matcher(line);
                            if (line.contains("\\"hello\\"") && m.find()) {
                                out.write("{\\"type\\":\\"welcome\\",\\"re\\":\\"" + m.group(1)
                                        + "\\",\\"protocol\\":1,\\"daemon\\":\\"0.1.0\\",\\"zone\\":\\"app\\"}\\n");
                                out.flush();
                            }
                        }
                    } catch (IOException e) {
                        // the client went away
                    }
                }
            }
            """;

    @Override
    public String name() {
        return "foreign socket";
    }

    @Override
    public Counts run(Size size) throws Exception {
        Tally tally = new Tally(name());
        try (StormZone zone = new StormZone()) {
            Result probe = KhloneHarness.run(new ProcessBuilder("runuser", "-u", "nobody", "--", "true"));
            if (probe.exitCode() != 0) {
                return Counts.notRun(name(), "runuser -u nobody was refused here (" + StormZone.oneLine(probe) + ")");
            }
            KhloneHarness khlone = zone.khlone();
            khlone.openToOthers();
            Path sockets = khlone.locations().socketDir();
            KhloneHarness.run(new ProcessBuilder("chmod", "1777", sockets.toString())); // sticky and open to all, as /tmp
            Path foreign = Files.createDirectory(khlone.root().resolve("foreign"));
            Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path source = Files.writeString(foreign.resolve("Listener.java"), LISTENER);
            Path received = foreign.resolve("received.log");
            Path socket = khlone.locations().socket(zone.zone);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process listener = new ProcessBuilder("runuser", "-u", "nobody", "--", java, source.toString(),
                    socket.toString(), received.toString())
                    .redirectErrorStream(true).redirectOutput(foreign.resolve("listener.out").toFile()).start();
            try {
                if (!awaitFile(foreign.resolve("received.log.ready"))) {
                    tally.broken("the other user's listener did not come up: "
                            + Files.readString(foreign.resolve("listener.out")).trim());
                    return tally.count(Map.of(), Map.of());
                }
                String secret = "secret-" + Long.toHexString(System.nanoTime());
                Process act = khlone.command(zone.brain.dir, "act", secret)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true).redirectOutput(khlone.root().resolve("act.out").toFile()).start();
                boolean ended = act.waitFor(CLIENT.toSeconds(), TimeUnit.SECONDS);
                if (!ended) {
                    act.destroyForcibly();
                }
                String said = Files.readString(khlone.root().resolve("act.out"), StandardCharsets.UTF_8).trim();
                Optional<String> id = StormZone.accepted(new Result(0, said, ""));
                id.ifPresent(tally::accepted);
                tally.note("khlone act with the path taken: " + (ended ? "exit " + act.exitValue() : "no answer in " + CLIENT.toSeconds() + " s")
                        + (said.isEmpty() ? "" : ", " + said.replace('\n', ' ')));
                String leaked = Files.exists(received) ? Files.readString(received, StandardCharsets.UTF_8) : "";
                if (leaked.contains(secret)) {
                    tally.broken("the prompt reached the other user's listener");
                } else if (!leaked.isEmpty()) {
                    tally.broken("the client wrote " + leaked.length() + " bytes to the other user's listener");
                }
                Result after = zone.run("act", "--await", "the zone still runs");
                StormZone.accepted(after).ifPresent(tally::accepted);
                if (after.exitCode() != 0 || !after.out().equals("echo: the zone still runs\n")) {
                    tally.broken("the zone does not run while another user holds its socket path: " + StormZone.oneLine(after));
                }
                return tally.count(zone.awaitEnded(tally.acceptedSoFar()), zone.sideEffects());
            } finally {
                listener.descendants().forEach(ProcessHandle::destroyForcibly);
                listener.destroyForcibly();
            }
        }
    }

    private static boolean awaitFile(Path file) {
        return Await.within(LISTENER_UP, () -> Files.exists(file));
    }
}
