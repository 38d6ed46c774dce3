package dev.khlone.cli;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How a watch stream reaches the user: events rendered for people ({@code ● foreman.1 │ …}, task
 * boundaries marked), one JSON object per line for scripts ({@code --events}), or the terminal's
 * bytes as they are (a TUI's screen, or {@code --raw}).
 */
final class WatchView {
    enum Style { RENDERED, EVENTS, RAW }

    private final Style style;
    private final PrintWriter out;
    private final OutputStream bytes;
    private String lastTask;
    /** The last output did not end its line: a line of text then starts a new one. */
    private boolean midLine;

    WatchView(Style style, PrintWriter out, OutputStream bytes) {
        this.style = style;
        this.out = out;
        // A brain's output comes in many small frames: written together, and flushed as they stop coming.
        this.bytes = new BufferedOutputStream(bytes, 64 << 10);
    }

    /** Shows one frame of the stream, at once; false for frames that are not part of it. */
    boolean show(Reply reply) {
        return show(reply, false);
    }

    /**
     * Shows one frame of the stream; false for frames that are not part of it. With {@code more}
     * (another frame is already arriving), what it writes may wait for that one.
     */
    boolean show(Reply reply, boolean more) {
        try {
            if (reply instanceof Push.Output output) {
                out.flush();
                byte[] data = output.data();
                bytes.write(data);
                if (data.length > 0) {
                    midLine = data[data.length - 1] != '\n';
                }
            } else if (reply instanceof Push.Event e) {
                endLine();
                if (style == Style.EVENTS) {
                    line(new String(Codec.line(w -> {
                        w.string("clone", e.slug());
                        e.entry().write(w);
                    }), StandardCharsets.UTF_8).stripTrailing());
                } else {
                    render(e.slug(), e.entry());
                }
            } else if (reply instanceof Push.Notice notice) {
                endLine();
                String text = notice.text();
                if (style == Style.EVENTS) {
                    line(new String(Codec.line(w -> w.string("notice", text)), StandardCharsets.UTF_8).stripTrailing());
                } else {
                    line("· " + Render.printable(text));
                }
            } else {
                return reply instanceof Reply.Watching;
            }
            if (!more) {
                out.flush();
                bytes.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /** Before a line of text: the output so far is out, and ends its line. */
    private void endLine() throws IOException {
        bytes.flush();
        if (midLine) {
            line("");
            midLine = false;
        }
    }

    /**
     * A line of text, not flushed (the writer's {@code println} flushes each): a busy clone's events
     * go out in blocks, flushed when no further frame is already arriving.
     */
    private void line(String text) {
        out.write(text);
        out.write('\n');
    }

    private void render(String slug, TranscriptEntry e) {
        if (e.kind() == TranscriptEntry.Kind.PROMPT && e.task() != null && !e.task().equals(lastTask)) {
            line("── " + e.task() + " ──");
        }
        if (e.task() != null) {
            lastTask = e.task();
        }
        String body = LogCommand.body(e);
        out.write("● " + slug + " │ ");
        line(body.indexOf('\n') < 0 ? body : body.replace("\n", "\n" + " ".repeat(slug.length() + 2) + "│ "));
    }
}
