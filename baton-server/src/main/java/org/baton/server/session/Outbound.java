package org.baton.server.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.baton.server.http.Json;

/**
 * One server-to-client message, before framing: an event name, its payload and the {@code ref} of the request it
 * answers (or null). The payload's JSON is written once however many sessions receive it (presence fan-out), and so
 * is each framing of the whole message: every recipient of the same message on the same framing shares one frame.
 */
public final class Outbound {
    private final String event;
    private final Object data;
    private final String ref;
    private volatile String dataJson;
    private final Map<Object, String> frames = new ConcurrentHashMap<>(2);

    public Outbound(String event, Object data, String ref) {
        this.event = event;
        this.data = data;
        this.ref = ref;
    }

    public static Outbound event(String event, Object data) {
        return new Outbound(event, data, null);
    }

    /** A message whose payload arrived already written as JSON (a push from another instance). */
    public static Outbound preEncoded(String event, String dataJson) {
        Outbound message = new Outbound(event, null, null);
        message.dataJson = dataJson;
        return message;
    }

    public String event() {
        return event;
    }

    public Object data() {
        return data;
    }

    public String ref() {
        return ref;
    }

    /** The payload as JSON text, written on first use and shared afterwards. */
    public String dataJson() {
        String json = dataJson;
        if (json == null) {
            json = Json.write(data);
            dataJson = json;
        }
        return json;
    }

    /**
     * The whole message framed by {@code encoder}, written the first time a recipient on framing {@code format} needs
     * it and shared by every later one (a fan-out to V sessions frames once, not V times).
     */
    public String framed(Object format, Function<Outbound, String> encoder) {
        String frame = frames.get(format);
        if (frame == null) {
            frame = frames.computeIfAbsent(format, f -> encoder.apply(this));
        }
        return frame;
    }

    /** The same message answering another request. */
    public Outbound withRef(String otherRef) {
        return new Outbound(event, data, otherRef);
    }
}
