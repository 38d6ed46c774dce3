package dev.khlone.protocol.wire;

/** Daemon to client, answering the request whose id is {@code re}. */
public sealed interface Reply extends Message permits Welcome, ZoneStatus, Ok, ErrorReply, Accepted, TaskEnded,
        TaskReport, Watching, Talking, TalkEnded, Output, Notice, WatchEvent {
    String re();
}
