package dev.khlone.testkit.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the commands the bench times, and reads what the kernel says about a process. */
final class Proc {
    private Proc() {
    }

    /** Wall time of {@code pb} from start to exit, in ms; it must exit 0 within a minute. */
    static double timeMs(ProcessBuilder pb) throws IOException, InterruptedException {
        File err = File.createTempFile("bench-err", ".txt");
        try {
            pb.redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err);
            long start = System.nanoTime();
            Process p = pb.start();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - start) / 1e6;
            if (!ended) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", pb.command()) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", pb.command()) + " exited " + p.exitValue() + ": "
                        + Files.readString(err.toPath(), StandardCharsets.UTF_8).strip());
            }
            return ms;
        } finally {
            Files.deleteIfExists(err.toPath());
        }
    }

    /** Runs {@code command} to its end and returns its stdout; it must exit 0. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    /** A field of /proc/PID/status as a number (VmRSS in KiB, Threads). */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    static double rssMib(long pid) throws IOException {
        return status(pid, "VmRSS") / 1024.0;
    }
}
