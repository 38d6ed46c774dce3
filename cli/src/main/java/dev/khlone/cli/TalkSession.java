package dev.khlone.cli;

import dev.khlone.protocol.wire.DetachRequest;
import dev.khlone.protocol.wire.InputRequest;
import dev.khlone.protocol.wire.Notice;
import dev.khlone.protocol.wire.Output;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.ResizeRequest;
import dev.khlone.protocol.wire.TalkEnded;
import dev.khlone.protocol.wire.TalkRequest;
import dev.khlone.protocol.wire.Talking;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The user's terminal attached to a clone's TUI: raw mode both ways, the size sent on attach and
 * on every resize, the detach key watched for, and the terminal put back exactly as it was (line
 * discipline, cursor, alternate screen, paste and mouse modes) however the talk ends.
 */
final class TalkSession {
    /**
     * Undoes what a TUI killed mid-screen may have left on: attributes, hidden cursor, alternate
     * screen, application keypad, bracketed paste, mouse reporting, focus events, and the kitty
     * keyboard protocol.
     */
    private static final String RESET = "\u001b[0m\u001b[?25h\u001b[?1049l\u001b[?1l\u001b>\u001b[?2004l"
            + "\u001b[?1000l\u001b[?1002l\u001b[?1003l\u001b[?1006l\u001b[?1004l\u001b[<u";

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

    /** Talks until the talk ends; returns the exit code. */
    static int run(Connection c, String who, boolean now, byte detachKey, String detachName, PrintWriter err) {
        Terminal terminal;
        try {
            terminal = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            throw new KhloneException(ExitCode.USAGE, "khlone talk needs a terminal: " + e.getMessage(),
                    "run it in a terminal; scripts can use khlone watch or khlone act --await");
        }
        Attributes saved = terminal.getAttributes();
        Size size = terminal.getSize();
        String id = c.id();
        c.send(new TalkRequest(id, who, Math.max(size.getColumns(), 20), Math.max(size.getRows(), 5), now));
        Talking talking = null;
        while (talking == null) {
            Reply r = c.next();
            if (r == null) {
                return gone(terminal, err);
            }
            if (r instanceof Notice && id.equals(r.re())) {
                err.println("khlone: " + ((Notice) r).text());
            } else if (r instanceof Talking && id.equals(r.re())) {
                talking = (Talking) r;
            } else if (r instanceof TalkEnded && id.equals(r.re())) {
                err.println("khlone: the talk ended before it began: " + ((TalkEnded) r).reason());
                return ExitCode.FAILED;
            }
        }
        err.println("talking to " + talking.slug() + " — leave with its /exit or " + detachName
                + "; either way it goes back to its queue");
        err.flush();
        boolean[] restored = {false};
        Runnable restore = () -> {
            synchronized (restored) {
                if (!restored[0]) {
                    restored[0] = true;
                    terminal.setAttributes(saved);
                    terminal.writer().write(RESET);
                    terminal.writer().flush();
                }
            }
        };
        Thread onExit = new Thread(restore);
        Runtime.getRuntime().addShutdownHook(onExit);
        terminal.setAttributes(raw(saved));
        terminal.handle(Terminal.Signal.WINCH, s -> {
            Size resized = terminal.getSize();
            c.send(new ResizeRequest(c.id(), resized.getColumns(), resized.getRows()));
        });
        Thread keys = new Thread(() -> forward(terminal.input(), c, detachKey), "talk-keys");
        keys.setDaemon(true);
        keys.start();
        String reason = null;
        try {
            OutputStream screen = terminal.output();
            Reply r;
            while ((r = c.next()) != null) {
                if (!id.equals(r.re())) {
                    continue;
                }
                if (r instanceof Output) {
                    screen.write(((Output) r).data());
                    screen.flush();
                } else if (r instanceof TalkEnded) {
                    reason = ((TalkEnded) r).reason();
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            restore.run();
            Runtime.getRuntime().removeShutdownHook(onExit);
        }
        if (reason == null) {
            return gone(terminal, err);
        }
        err.println("\r\nback from " + talking.slug() + " (" + reason + "); it is back on its queue");
        return ExitCode.OK;
    }

    /** Keys go to the brain as they come; the detach key ends the talk instead. */
    private static void forward(InputStream keys, Connection c, byte detachKey) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = keys.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                int at = indexOf(buf, n, detachKey);
                if (at >= 0) {
                    if (at > 0) {
                        c.send(new InputRequest(c.id(), Arrays.copyOf(buf, at)));
                    }
                    c.send(new DetachRequest(c.id()));
                    return;
                }
                c.send(new InputRequest(c.id(), Arrays.copyOf(buf, n)));
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

    /** Like cfmakeraw: every byte goes to the brain, ctrl-c and ctrl-z included, and its output is written as it is. */
    private static Attributes raw(Attributes saved) {
        Attributes raw = new Attributes(saved);
        raw.setLocalFlags(EnumSet.of(Attributes.LocalFlag.ICANON, Attributes.LocalFlag.ECHO,
                Attributes.LocalFlag.ECHONL, Attributes.LocalFlag.ISIG, Attributes.LocalFlag.IEXTEN), false);
        raw.setInputFlags(EnumSet.of(Attributes.InputFlag.IGNBRK, Attributes.InputFlag.BRKINT,
                Attributes.InputFlag.PARMRK, Attributes.InputFlag.ISTRIP, Attributes.InputFlag.INLCR,
                Attributes.InputFlag.IGNCR, Attributes.InputFlag.ICRNL, Attributes.InputFlag.IXON), false);
        raw.setOutputFlag(Attributes.OutputFlag.OPOST, false);
        raw.setControlChar(Attributes.ControlChar.VMIN, 1);
        raw.setControlChar(Attributes.ControlChar.VTIME, 0);
        return raw;
    }

    private static int gone(Terminal terminal, PrintWriter err) {
        err.println("\r\nkhlone: the zone daemon went away during the talk");
        err.println("  hint: khlone status starts it again; the clone's conversation is kept");
        return ExitCode.UNREACHABLE;
    }
}
