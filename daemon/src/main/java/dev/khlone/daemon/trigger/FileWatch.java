package dev.khlone.daemon.trigger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The zone's file changes, on a thread of its own: every directory under the root is watched
 * (a {@link WatchService} watches one directory, not a tree), but {@code .git} and what
 * {@code .gitignore} excludes, asked of {@code git check-ignore} once per batch. Each batch of
 * changed files (paths relative to the root, '/' between names) goes to {@code changed}; the thread
 * only reads events and asks git, never runs a trigger.
 */
final class FileWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FileWatch.class.getName());

    private final Path root;
    private final Consumer<List<String>> changed;
    private final WatchService service;
    private final Thread thread;
    /** Set once a directory could not be watched (the inotify limit, say): said once, not per directory. */
    private boolean refused;

    private FileWatch(Path root, Consumer<List<String>> changed) throws IOException {
        this.root = root;
        this.changed = changed;
        this.service = root.getFileSystem().newWatchService();
        this.thread = new Thread(this::run, "trigger-watch");
        thread.setDaemon(true);
    }

    /** Starts watching the tree under {@code root}; returns once every directory is registered. */
    static FileWatch start(Path root, Consumer<List<String>> changed) throws IOException {
        FileWatch watch = new FileWatch(root, changed);
        watch.registerTree(root);
        watch.thread.start();
        return watch;
    }

    /**
     * Registers {@code top} and the directories under it, level by level, asking git once per
     * level which to leave out; returns the files found in them (for a directory that was created
     * with files already in it before it could be watched).
     */
    private List<Path> registerTree(Path top) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> level = List.of(top);
        while (!level.isEmpty()) {
            List<Path> next = new ArrayList<>();
            for (Path dir : level) {
                try {
                    dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                } catch (IOException e) {
                    if (!refused) {
                        refused = true;
                        LOG.warning("cannot watch " + dir + " (" + e.getMessage() + "); changes in it and in other directories"
                                + " that cannot be watched start no trigger (on Linux: sysctl fs.inotify.max_user_watches)");
                    }
                    continue;
                }
                try (Stream<Path> children = Files.list(dir)) {
                    for (Path child : children.toList()) {
                        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                            if (!isGit(child)) {
                                next.add(child);
                            }
                        } else {
                            files.add(child);
                        }
                    }
                } catch (IOException e) {
                    // gone already
                }
            }
            Set<String> ignored = ignored(next.stream().map(p -> relative(p) + "/").toList());
            level = next.stream().filter(p -> !ignored.contains(relative(p) + "/")).toList();
        }
        return files;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Set<Path> paths = new LinkedHashSet<>();
                do {
                    Path dir = (Path) key.watchable();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            LOG.warning("more changes under " + dir + " than the watch could follow; some start no trigger");
                            continue;
                        }
                        Path child = dir.resolve((Path) event.context());
                        if (isGit(child)) {
                            continue;
                        }
                        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                                && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                            if (ignored(List.of(relative(child) + "/")).isEmpty()) {
                                paths.addAll(registerTree(child));
                            }
                        } else if (!Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                            paths.add(child);
                        }
                    }
                    key.reset();
                    key = service.poll(); // what else is there: one batch, one question to git
                } while (key != null);
                List<String> batch = paths.stream().map(this::relative).toList();
                Set<String> ignored = ignored(batch);
                List<String> kept = batch.stream().filter(p -> !ignored.contains(p)).toList();
                if (!kept.isEmpty()) {
                    changed.accept(kept);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (IOException e) {
            LOG.warning("the zone's file watch stopped: " + e.getMessage() + "; file triggers fire again after a daemon restart");
        }
    }

    private boolean isGit(Path path) {
        Path rel = root.relativize(path);
        return rel.getNameCount() > 0 && rel.getName(0).toString().equals(".git");
    }

    private String relative(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    /** Those of {@code paths} (relative; a directory ends in '/') that .gitignore excludes; none outside a git work tree. */
    private Set<String> ignored(List<String> paths) throws IOException {
        if (paths.isEmpty()) {
            return Set.of();
        }
        Process git = new ProcessBuilder("git", "-C", root.toString(), "check-ignore", "-z", "--stdin")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = git.getOutputStream()) {
            for (String p : paths) {
                in.write((p + "\0").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // git ended before reading them all: not a work tree; its exit says so below
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        git.getInputStream().transferTo(out);
        try {
            if (!git.waitFor(30, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return Set.of();
            }
        } catch (InterruptedException e) {
            git.destroyForcibly();
            Thread.currentThread().interrupt();
            return Set.of();
        }
        Set<String> ignored = new HashSet<>();
        if (git.exitValue() == 0) {
            for (String p : out.toString(StandardCharsets.UTF_8).split("\0")) {
                if (!p.isEmpty()) {
                    ignored.add(p);
                }
            }
        }
        return ignored;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // closing anyway
        }
        thread.interrupt();
    }
}
