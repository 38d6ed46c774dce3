package dev.khlone.brain.codex;

import dev.khlone.protocol.brain.BrainEvent;
import dev.khlone.protocol.brain.Dialogue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A dialogue sink that keeps what it is given; codex never asks for replies. */
final class Recording implements Dialogue.Sink {
    final List<BrainEvent> events = new ArrayList<>();
    final List<byte[]> replies = new ArrayList<>();

    @Override
    public void event(BrainEvent event) {
        events.add(event);
    }

    @Override
    public void reply(byte[] bytes) {
        replies.add(bytes);
    }

    /** The events that mean something; Raw ones compare by identity, so they are left out. */
    List<BrainEvent> meaningful() {
        return events.stream().filter(e -> !(e instanceof BrainEvent.Raw)).toList();
    }

    List<String> raw() {
        return events.stream().filter(e -> e instanceof BrainEvent.Raw).map(e ->
                new String(((BrainEvent.Raw) e).bytes(), StandardCharsets.UTF_8)).toList();
    }

    /** Decodes a whole transcript from the test resources in one chunk. */
    static Recording decode(String transcript) {
        byte[] bytes = transcript(transcript);
        Recording sink = new Recording();
        new CodexDialogue(() -> 0).decode(bytes, 0, bytes.length, sink);
        return sink;
    }

    static byte[] transcript(String name) {
        try (InputStream in = Recording.class.getResourceAsStream("/transcripts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
