package dev.khlone.daemon.notify;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code notify:} of khlone.yml: the command to run ({@code run}, its words; a string is run by
 * {@code sh -c}, as the user wrote it), the events it runs on, and how long it may take.
 */
public record Hook(List<String> run, Set<Event.Kind> on, Duration timeout) {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    public Hook {
        run = List.copyOf(run);
        on = Set.copyOf(on);
    }
}
