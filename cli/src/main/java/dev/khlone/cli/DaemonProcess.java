package dev.khlone.cli;

import dev.khlone.protocol.zone.Zone;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run the daemon: its own JVM, from {@code khlone-daemon.jar} beside this command's jar, so
 * the client never has the daemon's classes (or their start-up cost) on its path.
 */
final class DaemonProcess {
    private DaemonProcess() {}

    static List<String> command(Zone zone) {
        Path lib = libDir();
        Path jar = lib.resolve("khlone-daemon.jar");
        if (!Files.isRegularFile(jar)) {
            throw new KhloneException(ExitCode.FAILED, "the daemon is not installed: " + jar + " is missing",
                    "reinstall khlone: scripts/install");
        }
        // The brains are found at run time (ServiceLoader): every khlone-brain-*.jar installed beside the daemon,
        // in name order: the class path must be the one scripts/install made the daemon's CDS archive with.
        List<Path> brains = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(lib, "khlone-brain-*.jar")) {
            found.forEach(brains::add);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot list the installed brains in " + lib + ": " + e.getMessage(),
                    "reinstall khlone: scripts/install");
        }
        StringBuilder classpath = new StringBuilder(jar.toString());
        brains.stream().sorted().forEach(brain -> classpath.append(File.pathSeparatorChar).append(brain));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        // A bound the daemon lives within whatever its clones write; also what keeps it small on a laptop.
        cmd.add("-Xmx512m");
        // The heap starts small and gives back what a burst of output took (Serial shrinks after a
        // full collection): by default it starts at 1/64 of the RAM, and every page of that young
        // generation the daemon's allocations ever touched stays resident.
        cmd.add("-Xms8m");
        cmd.add("-XX:MinHeapFreeRatio=10");
        cmd.add("-XX:MaxHeapFreeRatio=30");
        // C1 only: the daemon's hot paths are copying bytes and small JSON frames, which C1 compiles
        // well; C2's compiler thread and its arenas cost resident megabytes (measured with C2: a turn
        // no faster, one raw watcher 0.55-0.97x as fast, 32 idle clones 96 MiB for 77).
        cmd.add("-XX:TieredStopAtLevel=1");
        // C1 compiles a method after ~200 calls, and a turn's own code runs a few times a turn: its
        // request, journal records, transcript lines and replies, and the JDK's file, socket and
        // collection code under them. Compiled after a tenth of that, or a daemon that runs a few
        // turns an hour interprets them (measured: the daemon's share of a turn 2.7 -> 2.0 ms). A
        // twentieth was no faster a turn and cost a cold start 40 ms more (the start's own compiles).
        cmd.add("-XX:CompileThresholdScaling=0.1");
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=warning:stderr");
        if (Runtime.version().feature() >= 22) {
            // JNA (pty4j) loads native code; a JDK 22+ says so in the daemon's log on every start unless allowed.
            // scripts/install makes the archive with this flag too: an archive is used only with the flags it was made with.
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        Path archive = lib.resolve("khlone-daemon.jsa");
        if (Files.isRegularFile(archive)) {
            // Class-data sharing: scripts/install trains it on a daemon's start, a status and a task.
            cmd.add("-XX:SharedArchiveFile=" + archive);
        }
        cmd.add("-cp");
        cmd.add(classpath.toString());
        cmd.add("dev.khlone.daemon.Main");
        cmd.add("--zone");
        cmd.add(zone.root().toString());
        return cmd;
    }

    /**
     * Starts the daemon in its own session (so a ctrl-c or a closing terminal never reaches it),
     * stdin from /dev/null, output appended to its log; returns its pid. {@code setsid --fork}
     * exits at once, so the daemon is not this JVM's child: JDK 17 waits up to 300 ms at exit for
     * a thread blocked in native code, and the process reaper of a child that outlives the command
     * is one. The forked shell says its pid, then becomes the daemon; the pid reaches us through
     * {@code head}, so our child ends only once it has the pid (the JDK closes a child's output
     * when the child ends, dropping what had not come yet). Not {@code sh -c 'setsid ... &'}: a
     * background job of a shell starts with SIGINT ignored, and the brains would inherit that. A
     * khlone itself started that way (nohup, {@code &}, cron) passes the ignored signals on all the
     * same, and a shell cannot undo what it was started ignoring: {@code env --default-signal}
     * (coreutils 8.31+) does, where there is one, so that ctrl-c and SIGTERM still stop a brain's tools.
     */
    static long startDetached(Zone zone, Path log) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "daemon=$1; shift; setsid --fork sh -c \"$daemon\" khlone \"$@\" | head -n 1", "khlone",
                "echo $$; log=$1; shift; env --default-signal=INT true 2>/dev/null && set -- env --default-signal=INT,TERM \"$@\";"
                        + " exec \"$@\" </dev/null >>\"$log\" 2>&1", log.toString()));
        cmd.addAll(command(zone));
        createLog(log);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(zone.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Started by a clone's tool (a brain running khlone), the daemon is not that brain's work:
        // what ends the brain's processes by this mark must leave it alone.
        pb.environment().remove("KHLONE_BRAIN");
        String pid;
        try {
            Process starter = pb.start();
            pid = new String(starter.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            starter.waitFor();
        } catch (IOException e) {
            throw new KhloneException(ExitCode.UNREACHABLE, "cannot start the zone daemon: " + e.getMessage(),
                    "khlone needs 'setsid' (util-linux) on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KhloneException(ExitCode.FAILED, "interrupted", null);
        }
        try {
            return Long.parseLong(pid);
        } catch (NumberFormatException e) {
            throw new KhloneException(ExitCode.UNREACHABLE, "cannot start the zone daemon: 'setsid --fork' gave no pid",
                    "khlone needs util-linux's setsid on the PATH; what it said is in " + log);
        }
    }

    /** The daemon's log, owner-only from the start: a redirect to it would create it with the umask's mode. */
    static void createLog(Path log) {
        try {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // appended to; the daemon takes others' access away from an old one
        } catch (IOException e) {
            throw new KhloneException(ExitCode.UNREACHABLE, "cannot create the daemon's log " + log + ": " + e.getMessage(),
                    "check that KHLONE_HOME is writable", e);
        }
    }

    /**
     * Whether the process is gone. A zombie counts as gone: the daemon's new parent (init, or a
     * container's first process) may be slow to reap it, or never do.
     */
    static boolean exited(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return true;
        }
        // pid (comm) state ...: comm may hold anything, so the state follows the last ')'
        int end = stat.lastIndexOf(')');
        return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) == 'Z';
    }

    /** The installed {@code bin/khlone} beside {@code lib/}, which a service manager runs. */
    static Path launcher() {
        Path launcher = libDir().resolveSibling("bin").resolve("khlone");
        if (!Files.isExecutable(launcher)) {
            throw new KhloneException(ExitCode.FAILED, "khlone is not installed: " + launcher + " is missing",
                    "install it with scripts/install, then run this from the installed khlone");
        }
        return launcher;
    }

    private static Path libDir() {
        try {
            return Path.of(DaemonProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
