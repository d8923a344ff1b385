package org.baton.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.baton.core.LockState;

/**
 * The stored text form of a {@link LockState}: its records written as JSON by Jackson (instants as ISO-8601,
 * durations as ISO-8601 periods). The core stays free of serialization; the store owns its format.
 */
public final class StateJson {
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactories.pooled())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Only record components are state; derived views such as isIdle() are not written.
            .disable(com.fasterxml.jackson.databind.MapperFeature.AUTO_DETECT_IS_GETTERS)
            .build();

    private StateJson() {
    }

    /** The store module's one Jackson configuration (ISO instants and durations, record components only). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    static String write(LockState state) {
        try {
            return MAPPER.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a lock state could not be written as JSON", e);
        }
    }

    static LockState read(String json) {
        try {
            return MAPPER.readValue(json, LockState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored lock state could not be read: " + e.getOriginalMessage(), e);
        }
    }
}
