package dev.khlone.cli;

import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The user's terminal attached to a clone's TUI: raw mode both ways, the size sent on attach and
 * on every resize, the detach key watched for, and the terminal put back exactly as it was however
 * the talk ends. The terminal's state is saved and restored with {@code stty -g}, which keeps
 * every setting, the line discipline included (JLine's termios round trip did not).
 */
final class TalkSession {
    /**
     * Undoes what a TUI killed mid-screen may have left on: attributes, hidden cursor, application
     * keypad, bracketed paste, mouse reporting, focus events, and the kitty keyboard protocol. The
     * alternate screen is left only if the TUI is still on it ({@link TuiScreen}).
     */
    private static final String RESET = "\u001b[0m\u001b[?25h\u001b[?1l\u001b>\u001b[?2004l"
            + "\u001b[?1000l\u001b[?1002l\u001b[?1003l\u001b[?1006l\u001b[?1004l\u001b[<u";
    private static final String LEAVE_ALTERNATE = "\u001b[?1049l";

    private TalkSession() {}

    /** The detach key from its name: {@code ctrl-]} (the default), {@code ctrl-q}, ... */
    static byte detachKey(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("ctrl-") && n.length() == 6) {
            char c = n.charAt(5);
            if (c >= 'a' && c <= 'z' || "[\\]^_@".indexOf(c) >= 0) {
                return (byte) (Character.toUpperCase(c) & 0x1f);
            }
        }
        throw new KhloneException(ExitCode.USAGE, "'" + name + "' is not a detach key",
                "name a control key: ctrl-] (the default), ctrl-q, ctrl-\\\\, ...");
    }

    /** Talks until the talk ends, the keys read from {@code keyboard} (the terminal's stdin, or {@code khlone top}'s keys); returns the exit code. */
    static int run(Connection c, String who, boolean now, byte detachKey, String detachName, Map<String, String> env,
                   PrintWriter err, InputStream keyboard) {
        String saved = stty("-g");
        int[] size = size();
        OutputStream screen = new FileOutputStream(FileDescriptor.out);
        TuiScreen left = new TuiScreen();
        boolean[] restored = {false};
        Runnable restore = () -> {
            synchronized (restored) {
                if (!restored[0]) {
                    restored[0] = true;
                    stty(saved);
                    StringBuilder reset = new StringBuilder(RESET);
                    if (left.alternate()) {
                        reset.append(LEAVE_ALTERNATE);
                        left.leftAlternate();
                    }
                    if (!left.atLineStart()) {
                        reset.append("\r\n"); // khlone's lines, and the shell's prompt, start on a line of their own
                    }
                    try {
                        screen.write(reset.toString().getBytes(StandardCharsets.US_ASCII));
                        screen.flush();
                    } catch (IOException ignored) {
                        // the terminal is gone; nothing to restore on it
                    }
                }
            }
        };
        Thread onExit = new Thread(restore);
        Runtime.getRuntime().addShutdownHook(onExit);
        // Keys typed from now on wait in the terminal for the TUI, unshown and as typed (Enter stays \r, which a
        // line-mode terminal would make \n, a new line in a TUI's prompt, not its submit); ctrl-c still works.
        stty("-icanon", "-echo", "-icrnl");
        String id = c.id();
        c.send(new Request.Talk(id, who, size[1], size[0], now, env));
        Reply.Talking talking = null;
        while (talking == null) {
            Reply r = c.next();
            if (r == null) {
                restore.run();
                return gone(err);
            }
            if (!id.equals(r.re())) {
                continue;
            }
            if (r instanceof Push.Notice notice) {
                err.println("khlone: " + notice.text());
            } else if (r instanceof Reply.Talking answer) {
                talking = answer;
            } else if (r instanceof Push.TalkEnded ended) {
                restore.run();
                err.println("khlone: the talk ended before it began: " + ended.reason());
                return ExitCode.FAILED;
            }
        }
        err.println("talking to " + talking.slug() + " — leave with its /exit or " + detachName
                + "; either way it goes back to its queue");
        err.flush();
        stty("raw", "-echo");
        Signal.handle(new Signal("WINCH"), s -> {
            int[] resized = size();
            c.send(new Request.Resize(c.id(), resized[1], resized[0]));
        });
        Thread keys = new Thread(() -> forward(keyboard, c, detachKey), "talk-keys");
        keys.setDaemon(true);
        keys.start();
        String reason = null;
        try {
            Reply r;
            while ((r = c.next()) != null) {
                if (!id.equals(r.re())) {
                    continue;
                }
                if (r instanceof Push.Output output) {
                    screen.write(output.data());
                    screen.flush();
                    left.feed(output.data());
                } else if (r instanceof Push.TalkEnded ended) {
                    reason = ended.reason();
                    break;
                }
            }
        } catch (IOException e) {
            reason = "the terminal failed: " + e.getMessage();
        } finally {
            restore.run();
            Runtime.getRuntime().removeShutdownHook(onExit);
        }
        if (reason == null) {
            return gone(err);
        }
        err.println("back from " + talking.slug() + " (" + reason + "); it is back on its queue");
        err.println("  talk again: khlone talk " + talking.slug());
        return ExitCode.OK;
    }

    /** Keys go to the brain as they come; the detach key ends the talk instead. */
    private static void forward(InputStream keys, Connection c, byte detachKey) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = keys.read(buf)) >= 0) {
                int at = indexOf(buf, n, detachKey);
                if (at >= 0) {
                    if (at > 0) {
                        c.send(new Request.Input(c.id(), Arrays.copyOf(buf, at)));
                    }
                    c.send(new Request.Detach(c.id()));
                    return;
                }
                if (n > 0) {
                    c.send(new Request.Input(c.id(), Arrays.copyOf(buf, n)));
                }
            }
        } catch (IOException | KhloneException e) {
            // the talk is over: the main thread restores the terminal
        }
    }

    private static int indexOf(byte[] buf, int n, byte b) {
        for (int i = 0; i < n; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Rows and columns of the terminal. */
    private static int[] size() {
        String[] rc = stty("size").trim().split("\\s+");
        return new int[] {Math.max(5, Integer.parseInt(rc[0])), Math.max(20, Integer.parseInt(rc[1]))};
    }

    /** Runs stty on the terminal (stdin); its output. */
    private static String stty(String... args) {
        List<String> cmd = new ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new KhloneException(ExitCode.FAILED, "stty " + String.join(" ", args) + " failed",
                        "khlone talk needs a terminal and the stty command");
            }
            return out;
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot run stty: " + e.getMessage(),
                    "khlone talk needs the stty command (coreutils)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KhloneException(ExitCode.FAILED, "interrupted", null);
        }
    }

    private static int gone(PrintWriter err) {
        err.println("\r\nkhlone: the zone daemon went away during the talk");
        err.println("  hint: khlone status starts it again; the clone's conversation is kept");
        return ExitCode.UNREACHABLE;
    }
}
