package dev.khlone.protocol.wire;

import java.io.IOException;

/**
 * One khlone.yml trigger as {@code khlone triggers} shows it: its name, {@code kind} ({@code cron} or
 * {@code watch}; null for an entry too broken to say), {@code spec} (the cron expression, or the
 * globs and debounce), the next firing (0: none planned, as for a watch) and the last (0: never),
 * the last task it started and that task's status (null: none yet), how many firings were skipped
 * because its previous task had not ended, and {@code error}: what is wrong with the entry (null
 * when it works). Times are epoch milliseconds.
 */
public record TriggerInfo(String name, String kind, String spec, long nextMs, long lastMs, String lastTask,
                          String lastStatus, long skipped, String error) {

    public void write(FrameWriter out) throws IOException {
        out.string("name", name).string("kind", kind).string("spec", spec).number("nextMs", nextMs)
                .number("lastMs", lastMs).string("lastTask", lastTask).string("lastStatus", lastStatus)
                .number("skipped", skipped).string("error", error);
    }

    public static TriggerInfo read(Fields f) throws ProtocolException {
        return new TriggerInfo(f.string("name"), f.optionalString("kind"), f.optionalString("spec"), f.number("nextMs"),
                f.number("lastMs"), f.optionalString("lastTask"), f.optionalString("lastStatus"), f.number("skipped"),
                f.optionalString("error"));
    }
}
