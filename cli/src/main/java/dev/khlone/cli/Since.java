package dev.khlone.cli;

import dev.khlone.protocol.Durations;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code --since}: a while ago ({@code 90s}, {@code 15m}, {@code 2h}, {@code 3d}), a day, or a local time. */
final class Since {
    private Since() {}

    /** The moment {@code when} names, in epoch milliseconds, seen from {@code nowMs} in {@code zone}. */
    static long parse(String when, long nowMs, ZoneId zone) {
        String w = when.strip();
        try {
            return moment(w, nowMs, zone);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new KhloneException(ExitCode.USAGE, "--since " + when + ": not a while ago, a day or a time",
                    "e.g. --since 2h, --since 30m, --since 2026-11-29, --since 09:30 or --since 2026-11-29T09:30");
        }
    }

    private static long moment(String w, long nowMs, ZoneId zone) {
        Optional<Duration> ago = Durations.parse(w);
        if (ago.isPresent()) {
            return nowMs - ago.get().toMillis();
        }
        if (w.contains("T")) {
            return LocalDateTime.parse(w).atZone(zone).toInstant().toEpochMilli();
        }
        if (w.contains(":")) {
            LocalDate today = java.time.Instant.ofEpochMilli(nowMs).atZone(zone).toLocalDate();
            return LocalTime.parse(w).atDate(today).atZone(zone).toInstant().toEpochMilli();
        }
        return LocalDate.parse(w).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
