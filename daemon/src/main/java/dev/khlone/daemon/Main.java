package dev.khlone.daemon;

import com.sun.security.auth.module.UnixSystem;
import dev.khlone.daemon.brain.Reaper;
import dev.khlone.protocol.zone.Locations;
import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code khlone daemon run}: serves one zone in the foreground until stopped. The launcher execs
 * this for that command; the client starts it the same way, detached, when a command needs it.
 */
@Command(name = "khlone daemon run", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Serve the zone in the foreground until SIGTERM, ctrl-c or 'khlone daemon stop'.",
                "Logs go to stderr; a daemon started by khlone itself logs to the zone's daemon.log."})
public final class Main implements Callable<Integer> {
    @Option(names = "--zone", paramLabel = "PATH",
            description = "The zone's root directory (default: the git worktree containing the current directory, else the current directory).")
    Path zoneRoot;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$-7s %5$s%6$s%n");
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws InterruptedException {
        ZoneDaemon daemon;
        try {
            Locations locations = Locations.fromEnvironment(System.getenv());
            Zone zone = zoneRoot == null ? locations.zoneContaining(Path.of("").toAbsolutePath()) : locations.zoneAt(zoneRoot);
            Reaper.start(); // before any brain starts
            daemon = ZoneDaemon.start(zone, locations, new UnixSystem().getUid());
        } catch (IOException e) {
            System.err.println("khlone daemon: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "shutdown"));
        daemon.awaitStopped();
        return 0;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"khlone " + dev.khlone.protocol.Version.CURRENT};
        }
    }
}
