package dev.khlone.protocol.zone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a zone's socket and state live. {@code KHLONE_HOME} (default
 * {@code ${XDG_STATE_HOME:-~/.local/state}/khlone}) holds {@code zones/<id>/}; sockets go to
 * {@code /tmp}, or {@code KHLONE_SOCKET_DIR} (tests).
 */
public record Locations(Path home, Path socketDir) {

    public static Locations fromEnvironment(Map<String, String> env) {
        return new Locations(home(env), Path.of(orElse(env.get("KHLONE_SOCKET_DIR"), "/tmp")));
    }

    private static Path home(Map<String, String> env) {
        String explicit = env.get("KHLONE_HOME");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String state = env.get("XDG_STATE_HOME");
        if (state != null && !state.isEmpty()) {
            return Path.of(state, "khlone");
        }
        return Path.of(orElse(env.get("HOME"), System.getProperty("user.home")), ".local", "state", "khlone");
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** The zone of a working directory (see {@link Zone#containing}), its id keyed for this user. */
    public Zone zoneContaining(Path dir) throws IOException {
        return Zone.containing(dir, ZoneKey.in(home));
    }

    /** The zone rooted exactly at {@code root}, as {@code --zone} names it. */
    public Zone zoneAt(Path root) throws IOException {
        return Zone.at(root, ZoneKey.in(home));
    }

    public Path socket(Zone zone) {
        return socketDir.resolve("khlone-zone-" + zone.id() + ".sock");
    }

    /**
     * Names the socket the daemon serves when it had to leave {@link #socket} (another user's file
     * was there): written by the daemon, read by clients before they try the public path.
     */
    public Path socketRecord(Zone zone) {
        return zoneDir(zone).resolve("socket");
    }

    public Path zoneDir(Zone zone) {
        return home.resolve("zones").resolve(zone.id());
    }

    /** The zone's root path, written by its daemon at start: {@code khlone zones} lists zones from these. */
    public Path rootRecord(Zone zone) {
        return zoneDir(zone).resolve("root");
    }

    /** Every zone dir under {@code zones/}, the zones' states. */
    public Path zones() {
        return home.resolve("zones");
    }

    public Path daemonLog(Zone zone) {
        return zoneDir(zone).resolve("daemon.log");
    }

    /** The crew: clones, their series and queues (replaced atomically). */
    public Path crewFile(Zone zone) {
        return zoneDir(zone).resolve("zone.json");
    }

    /** Every change of every task, appended and fsynced: the record that nothing accepted is lost. */
    public Path taskJournal(Zone zone) {
        return zoneDir(zone).resolve("tasks.jsonl");
    }

    /** One transcript per clone: what it was asked and said, for {@code khlone log}. */
    public Path transcripts(Zone zone) {
        return zoneDir(zone).resolve("transcripts");
    }

    public Path transcript(Zone zone, String slug) {
        return transcripts(zone).resolve(slug + ".jsonl");
    }

    /** Held by the daemon for its whole life: one daemon per zone. */
    public Path daemonLock(Zone zone) {
        return zoneDir(zone).resolve("daemon.lock");
    }

    /** Held by a client while it starts a daemon, so racing clients start one, not five. */
    public Path startLock(Zone zone) {
        return zoneDir(zone).resolve("start.lock");
    }
}
