package org.baton.server.ws;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;

/**
 * One WebSocket message, {@code {"event": "...", "data": {...}, "ref"?: "..."}} (PROTOCOL.md). A client's
 * {@code ref} comes back on every direct answer, so a client can match answers to requests.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String event, JsonNode data, String ref) {
    private static final int MAX_EVENT_NAME = 64;
    private static final int MAX_REF = 128;

    /** Parses a text frame; anything that is not an envelope becomes an {@code INVALID_MESSAGE} refusal. */
    public static Envelope parse(String text) {
        JsonNode node;
        try {
            node = Json.readTree(text);
        } catch (ApiException e) {
            if (e.problem().code().equals("DUPLICATE_FIELD")) {
                throw e;
            }
            throw ApiException.badRequest("INVALID_MESSAGE", "A message must be a JSON object {event, data, ref?}.");
        }
        if (!node.isObject() || !node.path("event").isTextual()) {
            throw ApiException.badRequest("INVALID_MESSAGE", "A message must be a JSON object with a string 'event'.");
        }
        String event = node.get("event").asText();
        JsonNode ref = node.get("ref");
        String refText = null;
        if (ref != null && !ref.isNull()) {
            if (!(ref.isTextual() || ref.isIntegralNumber()) || ref.asText().length() > MAX_REF) {
                throw ApiException.badRequest("INVALID_MESSAGE", "'ref' must be a string of at most " + MAX_REF + " characters.");
            }
            refText = ref.asText();
        }
        if (event.isEmpty() || event.length() > MAX_EVENT_NAME) {
            throw new ApiException(org.baton.server.http.Problem.of(400, "INVALID_MESSAGE", "'event' is empty or too long."), 0);
        }
        JsonNode data = node.get("data");
        if (data == null || data.isNull()) {
            data = JsonNodeFactory.instance.objectNode();
        } else if (!data.isObject()) {
            throw new RefusedMessage(refText, ApiException.badRequest("INVALID_MESSAGE", "'data' must be a JSON object."));
        }
        return new Envelope(event, data, refText);
    }

    /** A refusal that still knows the {@code ref} of the message it answers. */
    public static final class RefusedMessage extends RuntimeException {
        private final String ref;
        private final transient ApiException refusal;

        RefusedMessage(String ref, ApiException refusal) {
            super(refusal.getMessage(), null, false, false);
            this.ref = ref;
            this.refusal = refusal;
        }

        public String ref() {
            return ref;
        }

        public ApiException refusal() {
            return refusal;
        }
    }
}
