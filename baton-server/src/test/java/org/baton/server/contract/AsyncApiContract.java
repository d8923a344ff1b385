package org.baton.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.dialect.Dialects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.baton.server.http.Json;

/**
 * Checks WebSocket frames against the AsyncAPI document Baton serves: a frame a client receives must be one of the
 * messages Baton sends (the {@code send} operation's or a {@code reply}'s), and valid against that message's payload
 * schema. The integration tests' WebSocket client runs every frame it receives through {@link #problems}.
 */
public final class AsyncApiContract {
    private static final String IRI = "https://baton.invalid/api/asyncapi.json";
    private static final AsyncApiContract INSTANCE = new AsyncApiContract(ApiDocuments.load());

    private final JsonNode document;
    private final SchemaCheck schemas;
    /** Event name to message key, for the messages Baton sends and for those it receives. */
    private final Map<String, String> sent = new LinkedHashMap<>();
    private final Map<String, String> received = new LinkedHashMap<>();

    AsyncApiContract(ApiDocuments documents) {
        this.document = documents.asyncApi();
        // AsyncAPI 3's default schema format is a superset of JSON Schema draft-07.
        this.schemas = new SchemaCheck(IRI, documents.asyncApiJson(), Dialects.getDraft7());
        for (JsonNode operation : document.path("operations")) {
            boolean batonSends = operation.path("action").asText().equals("send");
            for (JsonNode message : operation.path("messages")) {
                (batonSends ? sent : received).put(eventOf(message), keyOf(message));
            }
            for (JsonNode message : operation.path("reply").path("messages")) {
                sent.put(eventOf(message), keyOf(message));
            }
        }
    }

    public static AsyncApiContract get() {
        return INSTANCE;
    }

    /** Event names Baton sends. */
    public Set<String> sentEvents() {
        return new TreeSet<>(sent.keySet());
    }

    /** Event names Baton receives. */
    public Set<String> receivedEvents() {
        return new TreeSet<>(received.keySet());
    }

    /** What is wrong with a frame Baton sent, or an empty list. */
    public List<String> problems(JsonNode frame) {
        String event = frame.path("event").asText();
        String key = sent.get(event);
        if (key == null) {
            return List.of("'" + event + "' is not a message Baton sends in the AsyncAPI document"
                    + " (add it to baton-server/src/main/resources/baton/api/asyncapi.yaml): " + frame);
        }
        List<String> problems = schemas.problems("/components/messages/" + key + "/payload", Json.write(frame));
        return problems.isEmpty() ? List.of() : List.of(event + " does not match its schema: " + problems + "; frame: " + frame);
    }

    private String keyOf(JsonNode messageRef) {
        String pointer = messageRef.path("$ref").asText();
        JsonNode channelMessage = document.at(pointer.substring(1));
        String target = channelMessage.path("$ref").asText(pointer);
        return target.substring(target.lastIndexOf('/') + 1);
    }

    private String eventOf(JsonNode messageRef) {
        return document.path("components").path("messages").path(keyOf(messageRef)).path("name").asText();
    }
}
