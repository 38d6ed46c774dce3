package dev.khlone.daemon.crew;

import dev.khlone.daemon.brain.BrainHandle;
import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.protocol.Nearest;
import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.crew.Who;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.zone.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Who is in the crew: the clones by slug, the last index of each role, and how a {@code --who}
 * finds a clone or enrolls one. Its monitor guards the clones and the indexes; a brain's
 * preflight (which reads its credential files) runs outside it, and so does every wait on a clone.
 */
final class Roster {
    private static final Logger LOG = Logger.getLogger(Roster.class.getName());

    private final Zone zone;
    private final Brains brains;
    private final Clone.Owner owner;
    private final TaskBook book;
    private final ScheduledExecutorService timers;
    private final Duration turnTimeout;

    // Guarded by this.
    private final Map<String, Clone> clones = new LinkedHashMap<>();
    private final Map<String, Integer> indexes;
    private boolean closed;

    /** What the crew file keeps of the roster. */
    record Saved(Map<String, Integer> indexes, List<CloneRecord> clones) {}

    Roster(Zone zone, Brains brains, Clone.Owner owner, TaskBook book,
           ScheduledExecutorService timers, Duration turnTimeout, Map<String, Integer> indexes) {
        this.zone = zone;
        this.brains = brains;
        this.owner = owner;
        this.book = book;
        this.timers = timers;
        this.turnTimeout = turnTimeout;
        this.indexes = new LinkedHashMap<>(indexes);
    }

    /** Puts back a clone the state dir had; it boots with the rest of the crew. */
    void restore(RestorePlan.Member m) {
        Brain brain = brains.get(m.profile().brain());
        Clone clone = clone(m.slug(), m.role(), m.index(), brain, m.profile(), m.series() == null ? brain.newSeries() : m.series());
        if (m.talkSinceMs() > 0) {
            clone.talkedSince(Instant.ofEpochMilli(m.talkSinceMs()));
        }
        clone.restore(m.work(), m.inputTokens(), m.outputTokens(), m.costUsd(), m.failure()); // waits for its owner thread
        synchronized (this) {
            clones.put(m.slug(), clone);
        }
    }

    /** The clone {@code slug}, or null. */
    synchronized Clone get(String slug) {
        return clones.get(slug);
    }

    synchronized List<Clone> all() {
        return List.copyOf(clones.values());
    }

    synchronized Clone existing(String slug) throws CrewException {
        Clone c = clones.get(slug);
        if (c == null) {
            throw new CrewException(ErrorCode.UNKNOWN_CLONE, "there is no clone " + slug, hint(clones.values()));
        }
        return c;
    }

    synchronized Clone remove(String slug) throws CrewException {
        Clone c = existing(slug);
        clones.remove(slug);
        return c;
    }

    /** Enrolls no more; returns the clones, for a daemon that stops. */
    synchronized List<Clone> close() {
        closed = true;
        return List.copyOf(clones.values());
    }

    /** The hero's slug, once a clone of {@code heroRole} has been enrolled. */
    synchronized String hero(String heroRole) {
        Clone hero = heroClone(heroRole);
        return hero == null ? null : hero.slug;
    }

    /** The hero: the first clone of its role on the crew, or null. Under this. */
    private Clone heroClone(String heroRole) {
        return clones.values().stream().filter(c -> c.role.equals(heroRole)).findFirst().orElse(null);
    }

    synchronized Saved saved() {
        return new Saved(Map.copyOf(indexes), clones.values().stream().map(Clone::record).toList());
    }

    /** What tags the processes of a clone's brain: the zone's id is unique to its root, a slug is never reused in a zone. */
    String marker(String slug) {
        return zone.id() + "/" + slug;
    }

    /** The clones {@code w} names; {@code who} is how the user wrote it. */
    List<Clone> matching(Who w, String who, ZoneConfig config) throws CrewException {
        String role = w.role() == null ? null : config.role(w.role());
        ZoneConfig.Profile asked = w.brain() == null ? null : config.profile(w.brain());
        List<Clone> all = all();
        List<Clone> matching = all.stream()
                .filter(c -> role == null || c.role.equals(role))
                .filter(c -> w.index() == null || c.index == w.index())
                .filter(c -> fits(c, asked, w.index() != null))
                .toList();
        if (matching.isEmpty()) {
            throw new CrewException(ErrorCode.UNKNOWN_CLONE, "no clone is " + who, hint(all));
        }
        return matching;
    }

    /** The clone {@code w} names, enrolled if need be; {@code naming} is how the command at hand names a new one in hints. */
    Clone resolve(Who w, ZoneConfig config, String naming) throws CrewException {
        String role = w.role() == null ? config.heroRole() : config.role(w.role());
        ZoneConfig.Profile asked = w.brain() == null ? null : config.profile(w.brain());
        if (asked != null && brains.get(asked.brain()) == null) {
            throw brains.unknown(w.brain(), config.brainAliases().isEmpty() ? null
                    : "aliases in khlone.yml: " + String.join(", ", config.brainAliases().keySet()));
        }
        ZoneConfig.Profile profile = asked != null ? asked : config.profile(config.heroBrain());
        synchronized (this) {
            Clone found = find(w, role, asked, config, naming);
            if (found != null) {
                return found;
            }
        }
        Brain brain = brains.preflight(profile);
        synchronized (this) {
            // Another request may have enrolled a clone that fits while the brain was checked.
            Clone found = find(w, role, asked, config, naming);
            return found != null ? found : enroll(role, profile, brain);
        }
    }

    /** An existing clone for {@code w}, or null if one is to be enrolled. */
    private Clone find(Who w, String role, ZoneConfig.Profile asked, ZoneConfig config, String naming) throws CrewException {
        if (w.exact()) {
            Clone c = clones.get(role + "." + w.index());
            if (c == null) {
                boolean roleKnown = clones.values().stream().anyMatch(x -> x.role.equals(role));
                throw new CrewException(ErrorCode.UNKNOWN_CLONE, roleKnown ? "there is no clone " + role + "." + w.index()
                        : "no clone has the role " + role, hint(clones.values()));
            }
            if (asked != null && !c.brain().equals(asked.brain())) {
                throw new CrewException(ErrorCode.BRAIN_MISMATCH, c.slug + " runs " + c.brain() + ", not " + asked.brain(),
                        "a clone's brain never changes; enroll another: --who " + role + "@" + w.brain() + "++");
            }
            return c;
        }
        if (w.enroll()) {
            return null;
        }
        if (w.equals(Who.HERO)) {
            // The hero is one conversation: never another clone of its role, however busy it is.
            Clone hero = heroClone(role);
            if (hero != null && hero.info().state() == CloneInfo.State.FAILED) {
                throw failed(hero.info(), role, w, naming);
            }
            return hero;
        }
        List<Clone> ofRole = clones.values().stream()
                .filter(c -> c.role.equals(role))
                .filter(c -> fits(c, asked, false))
                .toList();
        Optional<Clone> fit = ofRole.stream()
                .filter(c -> c.info().state() != CloneInfo.State.FAILED)
                .min(Comparator.comparingInt(c -> c.info().queue().size() + (c.info().task() == null ? 0 : 1)));
        if (fit.isPresent()) {
            return fit.get();
        }
        if (!ofRole.isEmpty()) {
            throw failed(ofRole.get(0).info(), role, w, naming);
        }
        if (!roles(config).contains(role)) {
            throw unknownRole(w, config, naming);
        }
        return null;
    }

    /** A new clone would start a new conversation behind the person's back: they decide. */
    private static CrewException failed(CloneInfo failed, String role, Who w, String naming) {
        return new CrewException(ErrorCode.BRAIN_UNAVAILABLE, failed.slug() + " has failed: " + failed.failure(),
                "khlone reboot " + failed.slug() + ", or " + naming + role + (w.brain() == null ? "" : "@" + w.brain())
                        + "++ for a new clone");
    }

    /** The roles a plain {@code --who role} may enroll: the hero's, khlone.yml's and the crew's. */
    private Set<String> roles(ZoneConfig config) {
        Set<String> roles = new LinkedHashSet<>();
        roles.add(config.heroRole());
        roles.addAll(config.roleAliases().values());
        clones.values().forEach(c -> roles.add(c.role));
        return roles;
    }

    /**
     * A role nobody named before is most likely a typo, and enrolling it would start a brain for
     * nothing: the closest known name is suggested, and {@code ++} enrolls a new role on purpose.
     */
    private CrewException unknownRole(Who w, ZoneConfig config, String naming) {
        Set<String> names = roles(config);
        names.addAll(config.roleAliases().keySet());
        String typed = w.role();
        String near = Nearest.to(typed, names).orElse(null);
        String plusPlus = naming + new Who(typed, null, w.brain(), true);
        return new CrewException(ErrorCode.UNKNOWN_CLONE, "there is no role " + typed + " in this zone",
                near != null ? "did you mean " + near + "? A new role is enrolled on purpose: " + plusPlus
                        : "the known roles: " + String.join(", ", names) + "; a new role is enrolled on purpose: " + plusPlus);
    }

    /**
     * Whether a clone answers {@code @name}: a clone named exactly ({@code mechanic.2@claude}) if
     * it runs that brain; otherwise only a clone of that very profile, so that {@code @opus} never
     * lands on a claude clone with other settings, nor {@code @claude} on an {@code opus} one.
     */
    private static boolean fits(Clone c, ZoneConfig.Profile asked, boolean exact) {
        return asked == null || (exact ? c.brain().equals(asked.brain()) : c.profile.name().equals(asked.name()));
    }

    private Clone enroll(String role, ZoneConfig.Profile profile, Brain brain) throws CrewException {
        if (closed) {
            throw new CrewException(ErrorCode.SHUTTING_DOWN, "the daemon is stopping", "try again once it has stopped");
        }
        int index = Math.max(indexes.getOrDefault(role, 0),
                clones.values().stream().filter(c -> c.role.equals(role)).mapToInt(c -> c.index).max().orElse(0)) + 1;
        String slug = role + "." + index;
        Clone clone = clone(slug, role, index, brain, profile, brain.newSeries());
        clones.put(slug, clone);
        indexes.put(role, index);
        LOG.info("enrolled " + slug + " on " + brain.name());
        clone.boot();
        return clone;
    }

    private Clone clone(String slug, String role, int index, Brain brain, ZoneConfig.Profile profile, Series series) {
        BrainHandle handle = new BrainHandle(slug, marker(slug), brain, series,
                () -> brains.options(profile).withTask(profile.singleShot(), book.budgetOfRunning(slug)));
        book.runs(slug, profile.name());
        return new Clone(slug, role, index, profile, handle, owner, timers, turnTimeout);
    }

    static String hint(Collection<Clone> all) {
        return all.isEmpty() ? "the crew is empty: khlone act \"...\" enrolls the hero"
                : "the crew: " + all.stream().map(c -> c.slug + " (" + c.brain() + ")").collect(Collectors.joining(", "));
    }
}
