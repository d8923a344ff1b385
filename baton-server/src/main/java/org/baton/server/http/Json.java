package org.baton.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.baton.store.jdbc.JsonFactories;

/**
 * The one JSON configuration of the server: ISO-8601 times, records bound by their components, and bad input
 * turned into a {@code 400 INVALID_JSON} problem that names what was wrong without echoing internals.
 *
 * <p>A member named twice in one object is refused ({@code 400 DUPLICATE_FIELD}, naming it) rather than letting the
 * last one win: two readers of the same document (a proxy, an auditor, Baton) must never see different requests.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactories.pooled())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate (?:field|Object property) '(.*)'", Pattern.DOTALL);

    static {
        // Deeply nested documents are an attack, not a record: refuse them early.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses a request body into a tree; empty or malformed bodies become a 400 problem. */
    public static JsonNode readTree(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("INVALID_JSON", "The request body must be a JSON document.");
        }
        try {
            return MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw ApiException.badRequest("INVALID_JSON", "The request body is nested too deeply or too large to read.");
        } catch (JsonProcessingException e) {
            Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
            if (duplicate.find()) {
                throw duplicateField(duplicate.group(1));
            }
            var at = e.getLocation();
            throw ApiException.badRequest("INVALID_JSON", "The request body is not valid JSON"
                    + (at == null ? "." : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")."));
        }
    }

    /** Binds a request body to a type; malformed JSON or a wrong field type becomes a 400 problem naming the field. */
    public static <T> T read(String body, Class<T> type) {
        JsonNode tree = readTree(body);
        if (!tree.isObject()) {
            throw ApiException.badRequest("INVALID_JSON", "The request body must be a JSON object.");
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            throw ApiException.badRequest("INVALID_FIELD", "Field '" + fieldPath(e) + "' has the wrong type.");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("INVALID_JSON", "The request body could not be read.");
        }
    }

    /** The refusal of a member named twice; the name is shortened to 64 characters. */
    public static ApiException duplicateField(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return new ApiException(Problem.of(400, "DUPLICATE_FIELD", "The member '" + shown + "' appears twice in one object;"
                + " send each member once.").with("field", shown));
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a server value could not be written as JSON", e);
        }
    }

    private static String fieldPath(MismatchedInputException e) {
        var path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }
}
