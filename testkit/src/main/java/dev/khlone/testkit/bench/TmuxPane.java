package dev.khlone.testkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tmux anchor for output: a private tmux server whose one pane cats a file while
 * {@code clients} clients are attached (each headless, in a PTY of {@code script}, 200×50). The
 * pane times its own {@code cat}: tmux paces it as fast as it reads and draws the pane.
 */
final class TmuxPane {
    /** The pane's pace, and how many clients got the line printed after the file. */
    record Result(double mbPerSecond, int clientsThatSawTheEnd) {}

    private TmuxPane() {
    }

    static Result cat(Path root, String tag, Path file, int clients) throws Exception {
        String socket = root.resolve(tag + ".tmux").toString();
        Path took = root.resolve(tag + ".ns");
        String end = "END-OF-" + tag;
        String pane = "tmux -S " + socket + " wait-for go; s=$(date +%s%N); cat " + file + "; e=$(date +%s%N); "
                + "echo $((e - s)) > " + took + "; echo " + end + "; tmux -S " + socket + " wait-for -S done; sleep 600";
        Proc.run(List.of("tmux", "-S", socket, "new-session", "-d", "-s", "bench", "-x", "200", "-y", "50", pane));
        List<Tap> taps = new ArrayList<>();
        try {
            Proc.run(List.of("tmux", "-S", socket, "set-option", "-g", "status", "off"));
            for (int i = 0; i < clients; i++) {
                Process client = new ProcessBuilder("script", "-q", "-c",
                        "stty rows 50 cols 200; exec tmux -S " + socket + " attach -t bench", "/dev/null")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                Tap tap = new Tap(client, tag + " client " + i);
                tap.expect(end);
                taps.add(tap);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Proc.run(List.of("tmux", "-S", socket, "list-clients")).lines().count() < clients) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(clients + " tmux clients did not attach within 10 s");
                }
                Thread.sleep(20);
            }
            Proc.run(List.of("tmux", "-S", socket, "wait-for", "-S", "go"));
            Proc.run(List.of("tmux", "-S", socket, "wait-for", "done"));
            double seconds = Long.parseLong(Files.readString(took).trim()) / 1e9;
            int saw = 0;
            for (Tap tap : taps) {
                if (tap.awaitMarker(3000, 30_000)) {
                    saw++;
                }
            }
            return new Result(Files.size(file) / seconds / 1e6, saw);
        } finally {
            Proc.run(List.of("tmux", "-S", socket, "kill-server"));
            taps.forEach(Tap::close);
        }
    }
}
