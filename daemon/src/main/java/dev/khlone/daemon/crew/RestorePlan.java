package dev.khlone.daemon.crew;

import dev.khlone.daemon.store.CloneRecord;
import dev.khlone.daemon.store.Store;
import dev.khlone.protocol.brain.Series;
import dev.khlone.protocol.store.TranscriptEntry;
import dev.khlone.protocol.wire.TaskInfo;
import dev.khlone.protocol.wire.TaskInfo.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Pattern;

/**
 * What the state dir says the crew was, and what the next daemon does about it, decided before
 * anything is done: which processes a dead daemon may have left, which clones come back with
 * which work, which tasks change (one that ran when the daemon died runs again, or fails after
 * too many such deaths; one whose clone is gone fails), and what is said in transcripts and the
 * log. It comes from the loaded state and khlone.yml alone; {@code Crew.restore} carries it out.
 *
 * @param leftovers brain processes the crew file recorded, ended before anything runs again
 * @param swept     the clones whose marked processes (tool children that left a brain's session) end too
 * @param members   the clones that come back, in the crew file's order, then those rebuilt from the journal
 * @param tasks     every task, as it is once {@code changed} is journaled
 * @param changed   the records to journal, in order
 * @param notes     the transcript entries to write, in order
 * @param indexes   the last index of each role
 * @param log       what to tell the daemon's log
 */
record RestorePlan(List<Leftover> leftovers, List<String> swept, List<Member> members, Map<String, TaskInfo> tasks,
                   List<TaskInfo> changed, List<Note> notes, Map<String, Integer> indexes, List<Said> log) {
    private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9-]*\\.[1-9][0-9]{0,5}");
    private static final String DIED = "the daemon died during it";

    /** A brain process a dead daemon may have left: its pid and start time, so that no reused pid is hit. */
    record Leftover(long pid, long startMs) {}

    /**
     * A clone that comes back: its work in the order it runs (what ran first, then its queue, then
     * its other unfinished tasks by age), its token totals, and the failure it waits in, if any.
     *
     * @param series      null for a new conversation
     * @param talkSinceMs when the talk the daemon died in began; 0 if none
     */
    record Member(String slug, String role, int index, ZoneConfig.Profile profile, Series series, long talkSinceMs,
                  List<TaskInfo> work, long inputTokens, long outputTokens, Double costUsd, String failure) {}

    record Note(String slug, TranscriptEntry entry) {}

    record Said(Level level, String text) {}

    /**
     * The plan for {@code loaded}, with {@code config} the zone's khlone.yml (null when it is
     * invalid: each clone then runs its plain brain) and {@code brains} the brains this khlone has.
     */
    static RestorePlan of(Store.Loaded loaded, ZoneConfig config, Set<String> brains, long nowMs) {
        Builder b = new Builder(loaded, config, brains, nowMs);
        for (CloneRecord r : loaded.clones()) {
            b.leftovers.add(new Leftover(r.pid(), r.pidStartMs()));
            List<String> first = new ArrayList<>();
            if (r.current() != null) {
                first.add(r.current());
            }
            first.addAll(r.queue());
            b.member(r.slug(), r.role(), r.index(), r.brain(), r.profile(),
                    r.seriesId() == null ? null : new Series(r.seriesId(), r.seriesStarted()), r.talkSinceMs(), first, r.failure());
        }
        b.rebuild();
        for (TaskInfo t : List.copyOf(b.tasks.values())) {
            if (!t.status().ended() && !b.placed.contains(t.id())) {
                String brain = b.lacking.get(t.cloneSlug());
                b.change(t.ended(Status.FAILED, null, "its clone " + t.cloneSlug()
                        + (brain == null ? " is gone" : " runs " + brain + ", which this khlone does not have"), nowMs));
            }
        }
        return new RestorePlan(List.copyOf(b.leftovers), List.copyOf(b.swept), List.copyOf(b.members), b.tasks,
                List.copyOf(b.changed), List.copyOf(b.notes), b.indexes, List.copyOf(b.log));
    }

    private static final class Builder {
        final Store.Loaded loaded;
        final ZoneConfig config;
        final Set<String> brains;
        final long nowMs;
        final Map<String, TaskInfo> tasks;
        final Map<String, Integer> indexes;
        final Set<String> placed = new HashSet<>();
        /** Clones this khlone has no brain for, and the brain: tried once, their tasks fail. */
        final Map<String, String> lacking = new HashMap<>();
        final List<Leftover> leftovers = new ArrayList<>();
        final List<String> swept = new ArrayList<>();
        final List<Member> members = new ArrayList<>();
        final List<TaskInfo> changed = new ArrayList<>();
        final List<Note> notes = new ArrayList<>();
        final List<Said> log = new ArrayList<>();

        Builder(Store.Loaded loaded, ZoneConfig config, Set<String> brains, long nowMs) {
            this.loaded = loaded;
            this.config = config;
            this.brains = brains;
            this.nowMs = nowMs;
            this.tasks = new LinkedHashMap<>(loaded.tasks());
            this.indexes = new LinkedHashMap<>(loaded.indexes());
        }

        void change(TaskInfo task) {
            tasks.put(task.id(), task);
            changed.add(task);
        }

        /**
         * Puts back the clones the journal has unfinished work for and the crew file does not have
         * (it was unreadable, moved away, or lagged an enrollment): role and index from the slug,
         * profile from the journal (the hero's for records of an older khlone), a new series.
         */
        void rebuild() {
            for (TaskInfo t : tasks.values()) {
                if (SLUG.matcher(t.cloneSlug()).matches()) {
                    indexes.merge(role(t.cloneSlug()), index(t.cloneSlug()), Math::max);
                }
            }
            String heroBrain = config == null ? ZoneConfig.DEFAULT.heroBrain() : config.heroBrain();
            List<String> rebuilt = new ArrayList<>();
            for (String slug : tasks.values().stream().filter(t -> !t.status().ended() && !swept.contains(t.cloneSlug()))
                    .map(TaskInfo::cloneSlug).filter(slug -> SLUG.matcher(slug).matches()).distinct().toList()) {
                String profile = loaded.profiles().getOrDefault(slug, heroBrain);
                String brain = config == null ? profile : config.profile(profile).brain();
                if (member(slug, role(slug), index(slug), brain, profile, null, 0, List.of(), null)) {
                    rebuilt.add(slug);
                }
            }
            if (loaded.crewTrouble() != null || !rebuilt.isEmpty()) {
                log.add(new Said(Level.WARNING, (loaded.crewTrouble() == null
                        ? "the crew file lacked clones with queued work" : loaded.crewTrouble())
                        + "; rebuilt the crew from the task journal: " + (rebuilt.isEmpty() ? "no clone had work left"
                        : String.join(", ", rebuilt) + " (on new conversations: their series were in the crew file)")));
            }
        }

        /** One clone with its work, {@code first} first (what ran, then the queue). False if this khlone lacks its brain. */
        boolean member(String slug, String role, int index, String brain, String profileName, Series series,
                       long talkSinceMs, List<String> first, String failure) {
            swept.add(slug);
            if (!brains.contains(brain)) {
                lacking.put(slug, brain);
                log.add(new Said(Level.SEVERE, slug + " runs " + brain + ", which this khlone does not have; its tasks fail"));
                return false;
            }
            ZoneConfig.Profile profile = profile(slug, brain, profileName);
            List<String> ids = new ArrayList<>(first);
            tasks.values().stream()
                    .filter(t -> t.cloneSlug().equals(slug) && !t.status().ended() && !ids.contains(t.id()))
                    .sorted(Comparator.comparingLong(TaskInfo::createdMs))
                    .forEach(t -> ids.add(t.id()));
            List<TaskInfo> work = new ArrayList<>();
            for (String id : ids) {
                TaskInfo t = tasks.get(id);
                if (t == null || t.status().ended()) {
                    continue;
                }
                placed.add(id);
                if (t.status() == Status.ACTIVE) {
                    // The daemon died during it (one stopped on purpose put it back in the queue).
                    t = t.interrupted(DIED);
                    TaskInfo givenUp = CrashPolicy.givenUp(t, nowMs);
                    if (givenUp != null) {
                        change(givenUp);
                        notes.add(new Note(slug, new TranscriptEntry(givenUp.endedMs(), t.id(),
                                TranscriptEntry.Kind.ERROR, givenUp.error(), null, true)));
                        continue;
                    }
                    change(t);
                    notes.add(new Note(slug, new TranscriptEntry(nowMs, t.id(), TranscriptEntry.Kind.NOTE,
                            "the daemon died during this task; it runs again", null, false)));
                }
                work.add(t);
            }
            long in = 0;
            long out = 0;
            Double cost = null;
            for (TaskInfo t : tasks.values()) {
                if (t.cloneSlug().equals(slug)) {
                    in += t.inputTokens() + t.cacheReadTokens() + t.cacheWriteTokens();
                    out += t.outputTokens();
                    cost = TaskInfo.plus(cost, t.costUsd());
                }
            }
            members.add(new Member(slug, role, index, profile, series, talkSinceMs, List.copyOf(work), in, out, cost, failure));
            return true;
        }

        /**
         * The profile a restored clone runs: looked up by name in khlone.yml, so that the settings
         * (and the keys in them) are today's and never stored. An alias that is gone, or that now
         * names another brain, leaves the clone on its plain brain, and says so.
         */
        ZoneConfig.Profile profile(String slug, String brain, String name) {
            if (config == null) {
                return new ZoneConfig.Profile(name, brain, null, List.of(), Map.of());
            }
            ZoneConfig.Profile profile = config.profile(name);
            if (profile.brain().equals(brain)) {
                return profile;
            }
            String why = "the brain alias " + name + " is " + (config.brainAliases().containsKey(name)
                    ? "now " + profile.brain() + " in khlone.yml, and a clone's brain never changes" : "no longer in khlone.yml")
                    + "; " + slug + " runs plain " + brain;
            log.add(new Said(Level.WARNING, slug + ": " + why));
            notes.add(new Note(slug, new TranscriptEntry(nowMs, null, TranscriptEntry.Kind.NOTE, why, null, true)));
            return ZoneConfig.Profile.plain(brain);
        }

        private static String role(String slug) {
            return slug.substring(0, slug.lastIndexOf('.'));
        }

        private static int index(String slug) {
            return Integer.parseInt(slug.substring(slug.lastIndexOf('.') + 1));
        }
    }
}
