package dev.khlone.testkit.brains;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A dialogue sink that keeps what it is given, for decoder tests against recorded transcripts. */
public final class Recording implements Dialogue.Sink {
    public final List<BrainEvent> events = new ArrayList<>();
    public final List<byte[]> replies = new ArrayList<>();

    @Override
    public void event(BrainEvent event) {
        events.add(event);
    }

    @Override
    public void reply(byte[] bytes) {
        replies.add(bytes);
    }

    /** The events that mean something; Raw ones compare by identity, so they are left out. */
    public List<BrainEvent> meaningful() {
        return events.stream().filter(e -> !(e instanceof BrainEvent.Raw)).toList();
    }

    public List<String> raw() {
        return events.stream().filter(e -> e instanceof BrainEvent.Raw).map(e ->
                new String(((BrainEvent.Raw) e).bytes(), StandardCharsets.UTF_8)).toList();
    }

    /** Decodes a whole transcript from the test resources in one chunk. */
    public static Recording decode(Dialogue dialogue, String transcript) {
        byte[] bytes = transcript(transcript);
        Recording sink = new Recording();
        dialogue.decode(bytes, 0, bytes.length, sink);
        return sink;
    }

    /** A transcript from the calling module's test resources ({@code /transcripts/NAME}). */
    public static byte[] transcript(String name) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("transcripts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
