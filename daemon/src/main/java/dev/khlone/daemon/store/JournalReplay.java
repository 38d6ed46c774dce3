package dev.khlone.daemon.store;

import dev.khlone.protocol.wire.Codec;
import dev.khlone.protocol.wire.Fields;
import dev.khlone.protocol.wire.ProtocolException;
import dev.khlone.protocol.wire.TaskInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The journal read back on start: the latest record of every task, the profile each clone slug
 * last ran under, and what a crash or a bad disk left in it. A torn last line (the daemon or the
 * disk gave out mid-append, so it was never acknowledged to anyone) is to be cut off; a damaged
 * line before it is to be set aside in {@code tasks.jsonl.damaged}; {@code kept} is the rest.
 */
record JournalReplay(Map<String, TaskInfo> tasks, Map<String, String> profiles, byte[] kept, List<byte[]> damaged,
                     String torn) {
    private static final Logger LOG = Logger.getLogger(JournalReplay.class.getName());

    /** Reads the journal's lines, naming each damaged one in the log. */
    static JournalReplay of(Path journal, byte[] all) {
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        Map<String, String> profiles = new HashMap<>();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        List<byte[]> damaged = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        String torn = null;
        while (start < all.length) {
            int nl = indexOf(all, (byte) '\n', start);
            lineNo++;
            byte[] line = Arrays.copyOfRange(all, start, nl < 0 ? all.length : nl + 1);
            start = nl < 0 ? all.length : nl + 1;
            if (nl < 0) {
                torn = "line " + lineNo + " has no end";
                break;
            }
            if (line.length == 1) {
                kept.writeBytes(line);
                continue;
            }
            try {
                Fields f = Codec.object(line, "task record");
                TaskInfo t = TaskInfo.read(f);
                tasks.put(t.id(), t);
                String profile = f.optionalString("profile");
                if (profile != null) {
                    profiles.put(t.cloneSlug(), profile);
                }
                kept.writeBytes(line);
            } catch (ProtocolException e) {
                if (start == all.length) {
                    torn = "line " + lineNo + " cannot be read (" + e.getMessage() + ")";
                } else {
                    LOG.warning(journal + " line " + lineNo + " is damaged (" + e.getMessage() + "); it is set aside in "
                            + damagedFile(journal));
                    damaged.add(line);
                }
            }
        }
        if (torn != null) {
            LOG.warning(journal + ": the last record was torn (" + torn + "); it is cut off");
        }
        return new JournalReplay(tasks, profiles, kept.toByteArray(), damaged, torn);
    }

    /** Where a journal's damaged lines are set aside. */
    static Path damagedFile(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".damaged");
    }

    /** Appends the damaged lines to the journal's {@link #damagedFile}, forced. */
    void setAside(Path journal) throws IOException {
        try (FileChannel aside = OwnerOnly.open(damagedFile(journal), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (byte[] line : damaged) {
                JsonLines.writeFully(aside, line);
            }
            aside.force(false);
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
