package dev.khlone.daemon.watch;

import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The clients that follow the whole crew ({@code khlone top}): each clone's changes, as its
 * bulletin settles, pushed to every follower. A follower that has not read what it was sent is
 * not sent more: the changes wait, one per clone (the latest replaces the one before), and go
 * when it has caught up, so that a slow dashboard gets the crew as it is, never a backlog, and no
 * clone ever waits for it.
 */
public final class Followers {
    /** Unread bytes past which a follower's changes wait: a few hundred of its frames. */
    static final long BEHIND = 64 << 10;
    private static final long RETRY_MS = 200;

    private final ScheduledExecutorService timers;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();

    public Followers(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /**
     * {@code client} follows the crew from now on, until it closes: first it is sent {@code answer}
     * of the crew as it is ({@code now}), then every change. Changes made while the crew is read
     * wait for the answer to be sent, and are sent after it (a clone's latest state, possibly again).
     */
    public void follow(Client client, String re, Supplier<List<CloneInfo>> now, Function<List<CloneInfo>, Reply> answer) {
        Follower follower = new Follower(client, re);
        followers.add(follower);
        client.onClose(() -> followers.remove(follower));
        client.send(answer.apply(now.get()));
        follower.start();
    }

    /** A clone changed; on its owner thread, which this never blocks. */
    public void changed(CloneInfo clone) {
        for (Follower f : followers) {
            f.put(clone.slug(), clone);
        }
    }

    /** A clone left the crew. */
    public void left(String slug) {
        for (Follower f : followers) {
            f.put(slug, null);
        }
    }

    private final class Follower {
        private final Client client;
        private final String re;
        /** Owned by this follower's monitor: each clone's latest change not yet sent (null: it left). */
        private final Map<String, CloneInfo> waiting = new LinkedHashMap<>();
        private boolean started;
        private boolean retrying;

        Follower(Client client, String re) {
            this.client = client;
            this.re = re;
        }

        synchronized void start() {
            started = true;
            flush();
        }

        synchronized void put(String slug, CloneInfo clone) {
            waiting.remove(slug); // re-inserted last: changes go out in the order their latest came
            waiting.put(slug, clone);
            flush();
        }

        /** Sends what waits unless the client is behind; then tries again shortly. Offers to its outbox only: never waits. */
        private void flush() {
            if (!started || waiting.isEmpty()) {
                return;
            }
            if (client.backlog() > BEHIND) {
                if (!retrying) {
                    try {
                        timers.schedule(this::retry, RETRY_MS, TimeUnit.MILLISECONDS);
                        retrying = true;
                    } catch (RejectedExecutionException e) {
                        // the daemon is stopping: its followers are about to be closed
                    }
                }
                return;
            }
            for (Map.Entry<String, CloneInfo> e : waiting.entrySet()) {
                client.send(e.getValue() == null ? new Push.CloneLeft(re, e.getKey()) : new Push.CloneChanged(re, e.getValue()));
            }
            waiting.clear();
        }

        private synchronized void retry() {
            retrying = false;
            if (followers.contains(this)) {
                flush();
            }
        }
    }
}
