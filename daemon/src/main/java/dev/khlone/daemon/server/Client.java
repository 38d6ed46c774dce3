package dev.khlone.daemon.server;

import dev.khlone.protocol.wire.Reply;

/** One connected client, as request handlers see it: answers may be sent now or later. */
public interface Client {
    /**
     * Queues a frame for the client without waiting; false if the client is gone or has so much
     * unread that this would pass its bound (the frame is then dropped).
     */
    boolean send(Reply reply);

    /**
     * {@link #send(Reply)} for a frame already encoded as a head of this client's and a body shared
     * with other clients' frames: output shared by many watchers is encoded once and never copied.
     */
    boolean sendFrame(byte[] head, byte[] body);

    /**
     * {@link #sendFrame} of one of a burst (the entries of one chunk of a brain's output): it goes
     * out with the others at {@link #release}, in one write rather than one each.
     */
    default boolean holdFrame(byte[] head, byte[] body) {
        return sendFrame(head, body);
    }

    /** Sends what {@link #holdFrame} queued. */
    default void release() {}

    /** Bytes queued for the client and not yet written: how far behind it is. */
    long backlog();

    /** Runs {@code action} once when the connection closes (at once if it already has). */
    void onClose(Runnable action);
}
