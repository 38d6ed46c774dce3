package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.wire.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each job settles after it, whatever it did, before its caller hears the answer. */
class OwnerThreadTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final OwnerThread thread = new OwnerThread("foreman.1", timers, () -> seen.add("settled"));

    @AfterEach
    void tearDown() {
        thread.stop();
        timers.shutdownNow();
    }

    @Test
    void aCallSettlesBeforeItsAnswerAndSoDoesOneThatThrows() throws Exception {
        CompletableFuture<String> answer = thread.call(() -> {
            seen.add("job");
            return "ok";
        });
        assertThat(answer.thenApply(a -> List.copyOf(seen)).get(5, TimeUnit.SECONDS)).containsExactly("job", "settled");
        CompletableFuture<Object> refused = thread.call(() -> {
            throw new CrewException(ErrorCode.BUSY, "busy", null);
        });
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CrewException.class);
        assertThat(seen).containsExactly("job", "settled", "settled");
    }

    @Test
    void postedAndLaterJobsSettleTooAndAClosedThreadAnswersThatTheCloneIsGone() throws Exception {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        thread.later(Duration.ofMillis(10), () -> {
            seen.add("later");
            ran.complete(null);
        });
        ran.get(5, TimeUnit.SECONDS);
        thread.call(() -> null).get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("later", "settled", "settled");
        thread.close();
        assertThatThrownBy(() -> thread.call(() -> null).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("foreman.1 has been killed");
        thread.post(() -> seen.add("after the end")); // dropped without a word
        assertThat(seen).doesNotContain("after the end");
    }
}
