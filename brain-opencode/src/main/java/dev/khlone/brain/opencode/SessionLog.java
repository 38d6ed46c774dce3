package dev.khlone.brain.opencode;

import dev.khlone.protocol.brain.Environment;
import dev.khlone.protocol.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What opencode's log says of the sessions begun in a working directory. opencode 1.18.33 keeps
 * its sessions in SQLite, which nothing here can read, but every process appends to one log,
 * {@code $XDG_DATA_HOME/opencode/log/opencode.log}, in logfmt ({@code key=value}, a value with
 * spaces or quotes as a JSON string), at level INFO unless told otherwise. A session's creation
 * is one line, {@code message=created id=ses_… directory=… parentID=undefined … time.created=<ms>}
 * (a subagent's session has a parent), and each step of a prompt on it one
 * {@code message=loop session.id=ses_…}.
 */
final class SessionLog {
    private static final Pattern FIELD = Pattern.compile("([\\w.]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    private SessionLog() {}

    static Path of(Environment env) {
        String data = env.get("XDG_DATA_HOME");
        if (data == null || data.isBlank()) {
            String home = env.get("HOME");
            return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home,
                    ".local/share/opencode/log/opencode.log");
        }
        return Path.of(data, "opencode/log/opencode.log");
    }

    /**
     * The latest top-level session begun in {@code directory} since {@code since} that a prompt
     * ran in: a process that only opened one (ACP's {@code session/new} at a dispatch's start)
     * typed nothing into it. Empty when the log has none, or is not there (a log level above INFO).
     */
    static Optional<String> latestPrompted(Path log, Path directory, Instant since) {
        Map<String, Long> begun = new HashMap<>();
        Set<String> prompted = new HashSet<>();
        String dir = directory.toString();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains(" message=created ")) {
                    Map<String, String> f = fields(line);
                    long created = millis(f.get("time.created"));
                    if (dir.equals(f.get("directory")) && "undefined".equals(f.get("parentID")) && f.get("id") != null
                            && created >= since.toEpochMilli()) {
                        begun.put(f.get("id"), created);
                    }
                } else if (line.contains(" message=loop ")) {
                    String id = fields(line).get("session.id");
                    if (begun.containsKey(id)) {
                        prompted.add(id);
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty(); // no log: nothing to go by
        }
        return begun.entrySet().stream().filter(e -> prompted.contains(e.getKey()))
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            String value = m.group(2);
            if (value.startsWith("\"")) {
                try {
                    value = String.valueOf(Json.parse(value));
                } catch (IllegalArgumentException notJson) {
                    continue;
                }
            }
            fields.putIfAbsent(m.group(1), value);
        }
        return fields;
    }

    private static long millis(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
