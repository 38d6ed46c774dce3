package dev.khlone.cli;

import dev.khlone.protocol.zone.Zone;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The systemd user unit that starts a zone's daemon at login: {@code khlone daemon install} writes
 * it, {@code khlone daemon uninstall} removes it. Its text is a pure function of the zone, the
 * installed launcher and the environment of the command that installs it.
 */
record SystemdUnit(Zone zone, Path launcher, Path log, Map<String, String> environment) {

    private static final String BASH = "/bin/bash";
    /**
     * The unit's start, {@code $0} the installed launcher and {@code $1} the zone: the daemon's own JVM
     * as {@code khlone daemon run} would start it, the line made by the installed khlone at each start
     * (so an upgrade of khlone or Java needs no new unit), exec'd so that it is the unit's main process
     * (systemd's SIGTERM reaches it, and no client JVM waits beside it). No words: the launcher failed.
     */
    static final String START = "mapfile -d '' -t daemon < <(\"$0\" daemon run --print0 --zone \"$1\")"
            + " && [ ${#daemon[@]} -gt 0 ] && exec \"${daemon[@]}\"; exit 1";

    /**
     * What the unit passes on of the installing command's environment: where khlone keeps its state
     * and sockets (else the daemon would serve another state dir than the clients read), which java
     * runs it, PATH (where the brains are found) and {@code KHLONE_<BRAIN>_BIN}. Never a secret: API
     * keys and proxies (which may carry a password) stay out of a file that lives on; every act and
     * ask hands the daemon the brains' variables anyway, and a brain logged in keeps its own login.
     */
    static boolean passedOn(String name) {
        return List.of("PATH", "KHLONE_HOME", "XDG_STATE_HOME", "KHLONE_SOCKET_DIR", "KHLONE_JAVA", "JAVA_HOME",
                "KHLONE_TRANSCRIPT_MAX", "KHLONE_TURN_TIMEOUT").contains(name)
                || name.startsWith("KHLONE_") && name.endsWith("_BIN");
    }

    static SystemdUnit of(Zone zone, Path launcher, Path log, Map<String, String> env) {
        Map<String, String> chosen = new TreeMap<>();
        env.forEach((name, value) -> {
            if (passedOn(name) && !value.isEmpty()) {
                chosen.put(name, value);
            }
        });
        return new SystemdUnit(zone, launcher, log, chosen);
    }

    /** {@code khlone-zone-<zone id>.service}: a zone id is lower-case letters, digits and '-', all a unit name may hold. */
    static String name(Zone zone) {
        return "khlone-zone-" + zone.id() + ".service";
    }

    String name() {
        return name(zone);
    }

    /** {@code ${XDG_CONFIG_HOME:-~/.config}/systemd/user}, where the user's manager looks for units. */
    static Path directory(Map<String, String> env) {
        String config = env.get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isEmpty() ? Path.of(config)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("systemd").resolve("user");
    }

    String text() {
        StringBuilder s = new StringBuilder();
        s.append("# Written by 'khlone daemon install'; 'khlone daemon uninstall' removes it.\n");
        s.append("[Unit]\n");
        s.append("Description=khlone zone daemon for ").append(specifiers(zone.root().toString())).append('\n');
        s.append("\n[Service]\n");
        s.append("Type=simple\n");
        s.append("WorkingDirectory=").append(specifiers(zone.root().toString())).append('\n');
        environment.forEach((name, value) -> s.append("Environment=").append(quoted(name + "=" + value, false)).append('\n'));
        s.append("ExecStart=").append(String.join(" ", Stream.of(BASH, "-c", START, launcher.toString(), zone.root().toString())
                .map(word -> quoted(word, true)).toList())).append('\n');
        // The daemon's log where khlone status says it is, as when a command starts the daemon.
        s.append("StandardOutput=append:").append(specifiers(log.toString())).append('\n');
        s.append("StandardError=append:").append(specifiers(log.toString())).append('\n');
        // 'khlone daemon stop' and KHLONE_IDLE_EXIT end it with 0, on purpose: only a failure restarts it.
        s.append("Restart=on-failure\n");
        // A JVM ended by SIGTERM, its shutdown hooks run (the daemon stopped in order), exits 143.
        s.append("SuccessExitStatus=143\n");
        s.append("RestartSec=2\n");
        // SIGTERM to khlone alone, which stops its brains in order; whatever is left after it gets SIGKILL.
        s.append("KillMode=mixed\n");
        s.append("TimeoutStopSec=30\n");
        s.append("\n[Install]\n");
        s.append("WantedBy=default.target\n");
        return s.toString();
    }

    /** A path as a unit file's value: '%' starts a specifier. */
    private static String specifiers(String s) {
        return s.replace("%", "%%");
    }

    /** A quoted word, its escapes and specifiers kept literal; in a command line, '$' too (a variable there). */
    private static String quoted(String s, boolean command) {
        String escaped = specifiers(s.replace("\\", "\\\\").replace("\"", "\\\""));
        return "\"" + (command ? escaped.replace("$", "$$") : escaped) + "\"";
    }
}
