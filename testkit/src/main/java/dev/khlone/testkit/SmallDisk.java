package dev.khlone.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Unmounts it; whatever still has a file open on it must have let go. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", dir.toString()) != 0) {
            throw new IllegalStateException("cannot unmount " + dir);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
