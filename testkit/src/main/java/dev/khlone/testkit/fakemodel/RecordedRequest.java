package dev.khlone.testkit.fakemodel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request as the fake model server received it.
 *
 * @param method       HTTP method
 * @param path         path without the query, e.g. {@code /v1/messages}
 * @param query        raw query string, or empty, e.g. {@code beta=true}
 * @param headers      header values by lower-case name
 * @param body         the body as text
 * @param json         the body parsed, or an empty map if it was not a JSON object
 * @param turn         whether this request asked for a conversation turn and so took a scripted
 *                     reply; side requests (session titles, token counts, connectivity checks) do not
 * @param prompt       the last text the user wrote, as found in the conversation, or empty
 * @param conversation the conversation's text blocks in order
 * @param toolResults  the tool results the client sent back, in order
 */
public record RecordedRequest(
        String method,
        String path,
        String query,
        Map<String, List<String>> headers,
        String body,
        Map<String, Object> json,
        boolean turn,
        String prompt,
        List<Message> conversation,
        List<String> toolResults) {

    /** One text block of the conversation the client sent, by role ({@code user}, {@code assistant}, ...). */
    public record Message(String role, String text) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(text, "text");
        }
    }

    public RecordedRequest {
        headers = Map.copyOf(headers);
        json = Collections.unmodifiableMap(new LinkedHashMap<>(json)); // JSON may hold nulls
        conversation = List.copyOf(conversation);
        toolResults = List.copyOf(toolResults);
    }

    /** The first value of a header, or {@code null}; the name is case-insensitive. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A one-line description, for failure messages. */
    public String summary() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query)
                + (turn ? " turn" : " side") + (prompt.isEmpty() ? "" : " prompt=" + abbreviate(prompt));
    }

    private static String abbreviate(String text) {
        String flat = text.replace('\n', ' ');
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "...";
    }
}
