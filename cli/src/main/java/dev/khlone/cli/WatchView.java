package dev.khlone.cli;

import dev.khlone.protocol.Bytes;
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
    /** {@code ● SLUG │ } of the clone whose entry came last, made once: most entries are one clone's. */
    private String marginOf;
    private byte[] margin;

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
        if (!slug.equals(marginOf)) {
            margin = ("● " + slug + " │ ").getBytes(StandardCharsets.UTF_8);
            marginOf = slug;
        }
        out.write(margin);
        if (e.kind() == TranscriptEntry.Kind.TEXT && e.text() != null && plainText(slug, e.text())) {
            return;
        }
        String body = LogCommand.body(e);
        line(body.indexOf('\n') < 0 ? body : body.replace("\n", "\n" + " ".repeat(slug.length() + 2) + "│ "));
    }

    /**
     * A brain's text with no control character, written as {@link LogCommand#body} and the
     * continuation lines' margin would write it, from its bytes as they are: most of what a
     * watcher shows, and the string-building way copied each text five times (a rendered watcher
     * of a busy clone fell behind on that). False, with nothing written, for any other text.
     */
    private boolean plainText(String slug, String text) throws IOException {
        String stripped = text.stripTrailing();
        // ASCII text's Latin-1 bytes are its UTF-8 bytes, and getting them is a copy (UTF-8's checks
        // each char): looked at a word at a time; anything else is encoded again and looked at byte by byte.
        byte[] bytes = stripped.getBytes(StandardCharsets.ISO_8859_1);
        int lines = 0;
        int at = Bytes.plainRun(bytes, 0, bytes.length, (byte) '?');
        while (at < bytes.length) {
            byte b = bytes[at];
            if (b < 0 || b == '?' && stripped.charAt(at) != '?') {
                break; // not ASCII (a '?' stands for what Latin-1 lacks): looked at again below
            }
            if (b == '\n') {
                lines++;
            } else if (b < 0x20 && b != '\t' || b == 0x7f) {
                return false; // a control character: Render.printable's to deal with
            }
            at = Bytes.plainRun(bytes, at + 1, bytes.length, (byte) '?');
        }
        if (at < bytes.length) {
            bytes = stripped.getBytes(StandardCharsets.UTF_8);
            at = 0;
            lines = 0;
        }
        for (; at < bytes.length; at++) {
            int b = bytes[at] & 0xff;
            if (b == '\n') {
                lines++;
            } else if (b < 0x20 && b != '\t' || b == 0x7f || b == 0xc2 && at + 1 < bytes.length && (bytes[at + 1] & 0xff) <= 0x9f) {
                return false; // a control character (0xc2 0x80-0x9f: one of C1): Render.printable's to deal with
            }
        }
        out.write(' ');
        out.write(' ');
        if (lines == 0) {
            out.write(bytes);
        } else {
            byte[] indent = (" ".repeat(slug.length() + 2) + "│ ").getBytes(StandardCharsets.UTF_8);
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    out.write(bytes, from, i + 1 - from);
                    out.write(indent);
                    from = i + 1;
                }
            }
            out.write(bytes, from, bytes.length - from);
        }
        out.write('\n');
        return true;
    }
}
