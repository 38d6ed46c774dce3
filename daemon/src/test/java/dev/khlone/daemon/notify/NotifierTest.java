package dev.khlone.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notify hook: run once per event of its kinds, told the event in its environment, killed when it hangs. */
class NotifierTest {
    @TempDir
    Path dir;

    @Test
    void eachEventOfTheHooksKindsRunsItWithTheEventInItsEnvironment() throws Exception {
        Hook hook = new Hook(List.of("sh", "-c", "printf '%s|%s|%s\\n' \"$KHLONE_EVENT\" \"$KHLONE_TASK\" \"$KHLONE_RESULT\" >> hook.log"),
                EnumSet.of(Event.Kind.TASK_DONE, Event.Kind.TASK_FAILED), Duration.ofSeconds(5));
        try (Notifier notifier = new Notifier(dir)) {
            notifier.fire(() -> hook, new Event(Event.Kind.TASK_DONE, "z", "foreman.1", "t-1", "done", "ok\nmore", 0.5));
            notifier.fire(() -> hook, new Event(Event.Kind.QUEUE_EMPTY, "z", "foreman.1", "t-1", null, null, null));
            notifier.fire(() -> hook, new Event(Event.Kind.TASK_FAILED, "z", "foreman.1", "t-2", "failed", "$(touch pwned)", null));
            List<String> lines = Await.value(Duration.ofSeconds(10), "two lines", () -> Files.exists(dir.resolve("hook.log"))
                    ? Files.readAllLines(dir.resolve("hook.log")) : List.<String>of(), l -> l.size() >= 2);
            assertThat(lines).containsExactly("task-done|t-1|ok", "task-failed|t-2|$(touch pwned)");
        }
        assertThat(dir.resolve("pwned")).doesNotExist();
    }
}
