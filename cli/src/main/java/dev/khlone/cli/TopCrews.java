package dev.khlone.cli;

import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crews of the zones {@code khlone top} follows, as their daemons push them ({@code follow}):
 * one reader thread ({@code top-follow}) per zone keeps its clones by slug, in the order they came,
 * and asks for a redraw on each push; a zone whose connection ends is gone.
 */
final class TopCrews {
    /** A zone followed: how to reach its daemon again (talk, watch, cancel) and the connection that follows it. */
    record Followed(DaemonConnector daemon, Connection connection) {}

    /** A clone as shown, with the zone it is in. */
    record Shown(Followed zone, CloneInfo info) {}

    private final List<Followed> zones;
    private final Runnable changed;
    /** Each zone's clones by slug, in the order they came; guarded by itself. */
    private final Map<Followed, Map<String, CloneInfo>> crews = new LinkedHashMap<>();
    /** The zones whose daemon went away; guarded by {@link #crews}. */
    private final List<Followed> gone = new ArrayList<>();

    TopCrews(List<Followed> zones, Runnable changed) {
        this.zones = List.copyOf(zones);
        this.changed = changed;
    }

    /** Asks each zone's daemon to follow, takes its crew as it is now, and starts taking its pushes. */
    void start() {
        for (Followed z : zones) {
            String id = z.connection().id();
            Reply.ZoneStatus first = z.connection().call(new Request.Follow(id), Reply.ZoneStatus.class);
            Map<String, CloneInfo> crew = new LinkedHashMap<>();
            first.clones().forEach(c -> crew.put(c.slug(), c));
            synchronized (crews) {
                crews.put(z, crew);
            }
            Thread reader = new Thread(() -> follow(z, id), "top-follow");
            reader.setDaemon(true);
            reader.start();
        }
    }

    List<Followed> zones() {
        return zones;
    }

    /** Every followed zone's daemon went away. */
    boolean allGone() {
        synchronized (crews) {
            return gone.size() == zones.size();
        }
    }

    /** The zones still followed, as the layout's sections. */
    List<TopLayout.Section> sections() {
        synchronized (crews) {
            List<TopLayout.Section> sections = new ArrayList<>();
            for (Map.Entry<Followed, Map<String, CloneInfo>> e : crews.entrySet()) {
                if (!gone.contains(e.getKey())) {
                    String label = zones.size() > 1 ? e.getKey().daemon().zone().id() + "  " + e.getKey().daemon().zone().root() : null;
                    sections.add(new TopLayout.Section(label, List.copyOf(e.getValue().values())));
                }
            }
            return sections;
        }
    }

    /** Every clone shown, with its zone, in the order shown. */
    List<Shown> shown() {
        synchronized (crews) {
            List<Shown> shown = new ArrayList<>();
            for (Map.Entry<Followed, Map<String, CloneInfo>> e : crews.entrySet()) {
                if (!gone.contains(e.getKey())) {
                    e.getValue().values().forEach(c -> shown.add(new Shown(e.getKey(), c)));
                }
            }
            return shown;
        }
    }

    /** A zone's pushes until its daemon goes away. */
    private void follow(Followed z, String id) {
        try {
            Reply r;
            while ((r = z.connection().next()) != null) {
                if (!id.equals(r.re())) {
                    continue;
                }
                synchronized (crews) {
                    Map<String, CloneInfo> crew = crews.get(z);
                    if (r instanceof Push.CloneChanged change) {
                        crew.put(change.info().slug(), change.info());
                    } else if (r instanceof Push.CloneLeft left) {
                        crew.remove(left.slug());
                    }
                }
                changed.run();
            }
        } catch (KhloneException e) {
            // the connection failed: the daemon is gone, as far as the dashboard can tell
        }
        synchronized (crews) {
            gone.add(z);
        }
        changed.run();
    }
}
