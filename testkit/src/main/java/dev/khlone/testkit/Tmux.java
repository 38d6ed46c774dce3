package dev.khlone.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real terminal for tests: a private tmux server whose panes run the real {@code khlone}; keys
 * are typed with send-keys and the screen read with capture-pane, as a person would see it.
 */
public final class Tmux implements AutoCloseable {
    private final Path socket;

    public Tmux(Path dir) {
        this.socket = dir.resolve("tmux.sock");
    }

    /**
     * A new window {@code name} of {@code cols}x{@code rows} running a clean bash in {@code cwd} with
     * {@code env}, and no status line (so the pane is the whole window).
     */
    public void open(String name, int cols, int rows, Path cwd, Map<String, String> env) {
        // The environment goes on the command line: tmux hands new panes its server's environment.
        StringBuilder shell = new StringBuilder("env -i");
        env.forEach((k, v) -> shell.append(' ').append(quote(k + "=" + v)));
        // No history file: a shell that saves one as tmux goes would leave it behind in a home the harness removed.
        shell.append(" HISTFILE= PS1='$ ' bash --norc --noprofile");
        tmux("new-session", "-d", "-s", name, "-x", Integer.toString(cols), "-y", Integer.toString(rows),
                "-c", cwd.toString(), shell.toString());
        tmux("set-option", "-t", name, "status", "off");
        tmux("set-option", "-t", name, "window-size", "manual");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Types text literally, then Enter. */
    public void run(String target, String commandLine) {
        tmux("send-keys", "-t", target, "-l", "--", commandLine); // "--": text may begin with a dash
        tmux("send-keys", "-t", target, "Enter");
    }

    /** Types text literally. */
    public void type(String target, String text) {
        tmux("send-keys", "-t", target, "-l", "--", text);
    }

    /** Sends keys by tmux's names: {@code Enter}, {@code C-]}, {@code C-c}, ... */
    public void keys(String target, String... keys) {
        List<String> cmd = new ArrayList<>(List.of("send-keys", "-t", target));
        cmd.addAll(List.of(keys));
        tmux(cmd.toArray(new String[0]));
    }

    /** The pane's screen as text. */
    public String screen(String target) {
        return tmux("capture-pane", "-p", "-t", target);
    }

    /** The pane's screen with its colours and attributes as escape sequences ({@code capture-pane -e}). */
    public String screenWithEscapes(String target) {
        return tmux("capture-pane", "-p", "-e", "-t", target);
    }

    /** Waits until the screen shows {@code text}; fails with the screen otherwise. */
    public String awaitScreen(String target, String text, Duration timeout) {
        return Await.value(timeout, "the screen of " + target + " to show \"" + text + "\"", () -> screen(target),
                screen -> screen.contains(text));
    }

    public void resize(String target, int cols, int rows) {
        tmux("resize-window", "-t", target, "-x", Integer.toString(cols), "-y", Integer.toString(rows));
    }

    /** The pid of the program the pane started (its shell). */
    public long panePid(String target) {
        return Long.parseLong(tmux("display-message", "-p", "-t", target, "#{pane_pid}").trim());
    }

    private String tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("tmux " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try {
            new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
