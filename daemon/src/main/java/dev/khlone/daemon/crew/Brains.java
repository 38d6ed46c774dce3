package dev.khlone.daemon.crew;

import dev.khlone.protocol.brain.Brain;
import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.brain.Installation;
import dev.khlone.protocol.brain.Options;
import dev.khlone.protocol.brain.Preflight;
import dev.khlone.protocol.wire.BrainReport;
import dev.khlone.protocol.wire.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The brains this daemon can start, and what a brain starts with: its profile's model, arguments
 * and variables over the environment the last command handed on (PATH, proxies, the brains'
 * variables; tmux's update-environment). Any thread: the environment is replaced whole.
 */
final class Brains {
    /** How long {@code khlone doctor} waits for a brain's {@code --version}. */
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(15);

    private final Path zoneRoot;
    private final Map<String, Brain> byName;
    /** The daemon's environment, as the last command that started a brain updated it. */
    private volatile Map<String, String> env;

    Brains(Path zoneRoot, Map<String, Brain> byName, Map<String, String> env) {
        this.zoneRoot = zoneRoot;
        this.byName = byName;
        this.env = env;
    }

    /** The brain called {@code name}, or null. */
    Brain get(String name) {
        return byName.get(name);
    }

    /** Why {@code typed} names no brain here; {@code more}: what else its hint names (null: nothing). */
    CrewException unknown(String typed, String more) {
        return new CrewException(ErrorCode.UNKNOWN_BRAIN, "there is no brain called " + typed,
                "known brains: " + String.join(", ", byName.keySet()) + (more == null ? "" : "; " + more));
    }

    /**
     * A command's environment, for every brain started from now on (enrolled, rebooted, restarted
     * after a crash): its PATH and the brains' variables ({@link Environment#updated}).
     */
    void environment(Map<String, String> command) {
        if (!command.isEmpty()) {
            env = Environment.updated(env, command);
        }
    }

    /** The variables the brains get now that commands hand on ({@link Environment#forBrains}), for doctor. */
    Map<String, String> environment() {
        return Environment.forBrains(env);
    }

    /** What a brain of {@code profile} starts with now, in the zone. */
    Options options(ZoneConfig.Profile profile) {
        Map<String, String> vars = new HashMap<>(env);
        vars.putAll(profile.env());
        return new Options(zoneRoot, profile.model(), profile.args(), new Environment(vars));
    }

    /** The brain a new clone of {@code profile} runs, if it can run here. */
    Brain preflight(ZoneConfig.Profile profile) throws CrewException {
        Brain brain = byName.get(profile.brain());
        if (brain == null) {
            throw unknown(profile.brain(), null);
        }
        Preflight preflight = brain.check(options(profile));
        if (!preflight.ok()) {
            throw new CrewException(ErrorCode.BRAIN_UNAVAILABLE, preflight.problem(), preflight.hint());
        }
        return brain;
    }

    /**
     * Each brain checked as it would start now, with its profile of the same name: the binary, its
     * version, the tested one, and the preflight. Runs processes: on the asking session's thread.
     */
    List<BrainReport> doctor(ZoneConfig config) {
        List<BrainReport> reports = new ArrayList<>();
        for (Brain brain : new TreeMap<>(byName).values()) {
            Options options = options(config.profile(brain.name()));
            Preflight preflight = brain.check(options);
            Installation installation = brain.installation().orElse(null);
            String binary = null;
            String version = null;
            if (installation != null && installation.missing(options.environment()).isEmpty()) {
                binary = installation.binary(options.environment());
                version = installation.versionOf(binary, options.environment(), VERSION_TIMEOUT).orElse(null);
            }
            reports.add(new BrainReport(brain.name(), binary, version, installation == null ? null : installation.version(),
                    preflight.problem(), preflight.hint()));
        }
        return reports;
    }
}
