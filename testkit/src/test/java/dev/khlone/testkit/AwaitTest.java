package dev.khlone.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void aConditionThatThrowsUntilItHoldsIsWaitedFor() {
        AtomicInteger calls = new AtomicInteger();
        Await.until(Duration.ofSeconds(5), "the third call", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new NoSuchFileException("not yet");
            }
            return true;
        });
        assertThat(calls).hasValue(3);
    }

    @Test
    void aConditionThatNeverHoldsFailsNamingWhatWasAwaitedWithItsLastFailureAsTheCause() {
        assertThatThrownBy(() -> Await.until(SHORT, "the socket file", () -> {
            throw new IOException("no such socket");
        })).isInstanceOf(AssertionError.class)
                .hasMessage("waited 200 ms for the socket file, in vain")
                .hasRootCauseMessage("no such socket");
        assertThatThrownBy(() -> Await.until(SHORT, "a reply", () -> {
            assertThat("busy").as("the reply").isEqualTo("ok");
            return true;
        })).hasMessageContaining("a reply").cause().hasMessageContaining("the reply");
    }

    @Test
    void valueReturnsWhatTheProbeFound() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(Await.value(Duration.ofSeconds(5), "a count of 2",
                () -> calls.incrementAndGet() == 2 ? Optional.of("two") : Optional.empty())).isEqualTo("two");
    }

    @Test
    void valueWaitsForAnAcceptedAnswerAndFailsShowingTheLastOne() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(Await.value(Duration.ofSeconds(5), "3 calls", calls::incrementAndGet, n -> n >= 3)).isEqualTo(3);
        assertThatThrownBy(() -> Await.value(SHORT, "a screen showing done", () -> "still working", s -> s.contains("done")))
                .hasMessage("waited 200 ms for a screen showing done, in vain")
                .cause().hasMessage("the last answer: still working");
    }

    @Test
    void withinTellsWhetherTheConditionHeldInTime() {
        assertThat(Await.within(SHORT, () -> true)).isTrue();
        assertThat(Await.within(SHORT, () -> false)).isFalse();
    }
}
