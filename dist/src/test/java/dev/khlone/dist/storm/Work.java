package dev.khlone.dist.storm;

import dev.khlone.testkit.fakemodel.RecordedRequest;
import dev.khlone.testkit.fakemodel.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model as a careful worker, for storms that count side effects. A task's prompt names a
 * marker ({@code work w-kill-3}); the model's first answer is a Bash tool call that appends the
 * marker to the side-effects file after a pause, unless the file has it already (so a task run
 * again after its first run finished writes nothing more); when the command's result comes back
 * the model says it is done. A marker written twice therefore means two attempts' commands ran at
 * once: the command of a killed attempt outlived it. A prompt without a marker gets the echo.
 */
final class Work {
    private static final Pattern MARKER = Pattern.compile("\\bw-[a-z]+-\\d+\\b");

    private Work() {}

    static String prompt(String marker) {
        return "work " + marker;
    }

    /** The marker a prompt names, or null. */
    static String marker(String prompt) {
        Matcher m = MARKER.matcher(prompt);
        return m.find() ? m.group() : null;
    }

    static Function<RecordedRequest, Reply> model(Path sideEffects, Duration pause) {
        return request -> {
            String marker = marker(request.prompt());
            if (marker == null) {
                return Reply.text("echo: " + request.prompt());
            }
            if (answersATool(request)) {
                return Reply.text("done " + marker);
            }
            String command = "grep -qx " + marker + " '" + sideEffects + "' 2>/dev/null || { sleep "
                    + pause.toSeconds() + "; echo " + marker + " >> '" + sideEffects + "'; }";
            return Reply.toolCall("Bash", Map.of("command", command, "description", "record " + marker));
        };
    }

    /** Whether the request's last message carries a tool's result: the model's tool call ran. */
    private static boolean answersATool(RecordedRequest request) {
        if (!(request.json().get("messages") instanceof List<?> messages) || messages.isEmpty()) {
            return false;
        }
        if (!(messages.get(messages.size() - 1) instanceof Map<?, ?> last)
                || !(last.get("content") instanceof List<?> blocks)) {
            return false;
        }
        return blocks.stream().anyMatch(b -> b instanceof Map<?, ?> block && "tool_result".equals(block.get("type")));
    }
}
