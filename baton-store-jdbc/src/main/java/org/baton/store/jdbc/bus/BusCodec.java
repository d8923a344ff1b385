package org.baton.store.jdbc.bus;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import org.baton.core.LockEvent;
import org.baton.core.bus.BusMessage;
import org.baton.store.jdbc.StateJson;

/**
 * The text form of bus messages between instances: Jackson JSON of the core's records, with each {@link LockEvent}
 * and {@link BusMessage} named by its simple class name (the permitted subclasses of the sealed interfaces, so a new
 * event needs no registration here), wrapped in an envelope with the sender and the send time (for lag figures).
 */
public final class BusCodec {
    /** A decoded message with where and when it was sent. */
    public record Envelope(String origin, long sentAtMillis, BusMessage message) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
    private interface Typed {
    }

    private final ObjectMapper mapper;

    public BusCodec() {
        mapper = StateJson.mapper().copy();
        mapper.addMixIn(LockEvent.class, Typed.class);
        mapper.addMixIn(BusMessage.class, Typed.class);
        for (Class<?> type : LockEvent.class.getPermittedSubclasses()) {
            mapper.registerSubtypes(new NamedType(type, type.getSimpleName()));
        }
        for (Class<?> type : BusMessage.class.getPermittedSubclasses()) {
            mapper.registerSubtypes(new NamedType(type, type.getSimpleName()));
        }
    }

    public String encode(Envelope envelope) {
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a bus message could not be written as JSON", e);
        }
    }

    public Envelope decode(String text) {
        try {
            return mapper.readValue(text, Envelope.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an unreadable bus message: " + e.getOriginalMessage(), e);
        }
    }
}
