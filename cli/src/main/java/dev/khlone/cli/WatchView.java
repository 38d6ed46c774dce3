package dev.khlone.cli;

import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How a watch stream reaches the user: events rendered for people ({@code ● foreman.1 │ …}, task
 * boundaries marked), one JSON object per line for scripts ({@code --events}), or the terminal's
 * bytes as they are (a TUI's screen, or {@code --raw}). Text and bytes go to stdout as bytes, in
 * the order they came: text encoded straight to UTF-8 costs a watcher of a busy clone a third of
 * what a {@code Writer} does on C1.
 */
final class WatchView {
    enum Style { RENDERED, EVENTS, RAW }

    private final Style style;
    private final OutputStream out;
    private String lastTask;
    /** The last output did not end its line: a line of text then starts a new one. */
    private boolean midLine;

    WatchView(Style style, OutputStream stdout) {
        this.style = style;
        // A brain's output comes in many small frames: written together, and flushed as they stop coming.
        this.out = new BufferedOutputStream(stdout, 64 << 10);
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
                byte[] data = output.data();
                out.write(data);
                if (data.length > 0) {
                    midLine = data[data.length - 1] != '\n';
                }
            } else if (reply instanceof Push.Event e) {
                endLine();
                if (style == Style.EVENTS) {
                    out.write(Codec.line(w -> {
                        w.string("clone", e.slug());
                        e.entry().write(w);
                    }));
                } else {
                    render(e.slug(), e.entry());
                }
            } else if (reply instanceof Push.Notice notice) {
                endLine();
                String text = notice.text();
                if (style == Style.EVENTS) {
                    out.write(Codec.line(w -> w.string("notice", text)));
                } else {
                    line("· " + Render.printable(text));
                }
            } else {
                return reply instanceof Reply.Watching;
            }
            if (!more) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /** Before a line of text: the output so far ends its line. */
    private void endLine() throws IOException {
        if (midLine) {
            out.write('\n');
            midLine = false;
        }
    }

    private void line(String text) throws IOException {
        text(text);
        out.write('\n');
    }

    private void text(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private void render(String slug, TranscriptEntry e) throws IOException {
        if (e.kind() == TranscriptEntry.Kind.PROMPT && e.task() != null && !e.task().equals(lastTask)) {
            line("── " + e.task() + " ──");
        }
        if (e.task() != null) {
            lastTask = e.task();
        }
        String body = LogCommand.body(e);
        text("● " + slug + " │ ");
        line(body.indexOf('\n') < 0 ? body : body.replace("\n", "\n" + " ".repeat(slug.length() + 2) + "│ "));
    }
}
