package org.baton.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record's fields as stored JSON. Values come back in the schema's canonical Java types (whole numbers as
 * {@link Long}, other numbers as {@link Double}) so that a stored value equals the value it was saved from.
 */
final class FieldsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactories.pooled());
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private FieldsJson() {
    }

    static String write(Map<String, Object> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record fields could not be written as JSON", e);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            Map<String, Object> raw = MAPPER.readValue(json, MAP);
            raw.replaceAll((k, v) -> canonical(v));
            return raw;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored record fields could not be read: " + e.getOriginalMessage(), e);
        }
    }

    private static Object canonical(Object value) {
        return switch (value) {
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case BigInteger b -> b.longValue();
            case BigDecimal d -> d.doubleValue();
            case Float f -> f.doubleValue();
            case null, default -> value;
        };
    }
}
