package dev.khlone.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A small tmpfs mounted on a directory, for tests of a full disk: {@link #fill()} takes all the
 * space that is left, deleting its file gives it back. Mounting needs root, as the suite runs;
 * without it the test fails saying so rather than skipping.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it, e.g. {@code 512k}) on the existing, empty {@code dir}. */
    public static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
        if (run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()) != 0) {
            throw new IllegalStateException("cannot mount a tmpfs on " + dir + " to fill it up: run the tests as root");
        }
        return new SmallDisk(dir);
    }

    /** Writes until the disk is full; the file it returns is what to delete to give the space back. */
    public Path fill() throws IOException {
        Path filler = dir.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] page = new byte[4096];
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
                throw full;
            }
        }
        return filler;
    }

    /**
     * Unmounts it, once whatever had a file open on it has let go: a daemon told to stop may still
     * be closing its files (its JVM exiting), and "target is busy" then is not a failure yet.
     */
    @Override
    public void close() {
        Await.until(Duration.ofSeconds(15), "unmounting " + dir + " (something still has a file open on it)",
                () -> run("umount", dir.toString()) == 0);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
