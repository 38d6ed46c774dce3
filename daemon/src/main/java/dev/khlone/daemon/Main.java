package dev.khlone.daemon;

import com.sun.security.auth.module.UnixSystem;
import dev.khlone.daemon.brain.Reaper;
import dev.khlone.protocol.Failures;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code khlone daemon run}: serves one zone in the foreground until stopped. The client starts it
 * detached when a command needs it, and in the foreground for {@code khlone daemon run}. Its one
 * option is parsed by hand: picocli (Java 5 bytecode, which class-data sharing refuses) cost the
 * daemon's start-up more than it would have parsed.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$-7s %5$s%6$s%n");
        System.exit(run(args));
    }

    private static int run(String[] args) throws InterruptedException {
        Path zoneRoot = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--zone") && i + 1 < args.length) {
                zoneRoot = Path.of(args[++i]);
            } else if (arg.startsWith("--zone=")) {
                zoneRoot = Path.of(arg.substring("--zone=".length()));
            } else {
                // Only khlone starts it; 'khlone daemon run --help' is the cli's.
                System.err.println("khlone daemon: " + (arg.equals("--zone") ? "--zone needs a PATH" : "unknown argument '" + arg + "'")
                        + " (usage: khlone daemon run [--zone PATH])");
                return 2;
            }
        }
        ZoneDaemon daemon;
        try {
            Locations locations = Locations.fromEnvironment(System.getenv());
            Zone zone = zoneRoot == null ? locations.zoneContaining(Path.of("").toAbsolutePath()) : locations.zoneAt(zoneRoot);
            Reaper.start(); // before any brain starts
            daemon = ZoneDaemon.start(zone, locations, new UnixSystem().getUid());
        } catch (IOException e) {
            System.err.println("khlone daemon: " + Failures.of(e, null));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "shutdown"));
        daemon.awaitStopped();
        return 0;
    }
}
