package org.baton.server.locks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.baton.core.Outcome;
import org.baton.core.RefusalCode;
import org.baton.core.ResourceId;
import org.baton.server.http.ApiException;
import org.baton.server.session.Outbound;

/**
 * The caller's direct answer to a command — one mapping from each {@link Outcome} to its payload, its HTTP status and
 * its WebSocket event name, so REST and WebSocket say the same thing and a new field is added once. A REST client
 * gets the payload as the body (refusals as problem documents); a WebSocket client gets it as the event's data,
 * carrying its request's {@code ref}.
 */
final class Answers {
    private Answers() {
    }

    /** An accepted outcome: HTTP status, WebSocket event name, and the payload both carry. */
    record Answer(int httpStatus, String event, Map<String, Object> data) {
    }

    /** A REST answer: HTTP status and JSON body. */
    record Rest(int status, Map<String, Object> body) {
    }

    /** The answer to an outcome that is not a refusal. */
    static Answer of(ResourceId id, Outcome outcome, long version) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", id.toString());
        data.put("version", version);
        return switch (outcome) {
            case Outcome.Granted g -> {
                data.put("status", "acquired");
                data.put("lease", Wire.lease(g.lease()));
                data.put("yours", true);
                if (g.handoverNote() != null) {
                    data.put("handoverNote", g.handoverNote());
                }
                yield new Answer(200, "lock:acquired", data);
            }
            case Outcome.Queued q -> {
                data.put("status", "queued");
                data.put("position", q.position());
                data.put("estimatedWaitSeconds", Wire.seconds(q.estimatedWait()));
                yield new Answer(202, "lock:queued", data);
            }
            case Outcome.Extended e -> {
                data.put("lease", Wire.lease(e.lease()));
                yield new Answer(200, "lock:extended", data);
            }
            case Outcome.Released r -> {
                data.put("released", true);
                data.put("reason", "RELEASED");
                yield new Answer(200, "lock:released", data);
            }
            case Outcome.TakeoverPending t -> {
                data.put("status", "requested");
                data.put("autoForceAt", t.autoForceAt());
                yield new Answer(202, "lock:takeover_pending", data);
            }
            case Outcome.AskSent a -> {
                data.put("status", "asked");
                data.put("requestId", a.requestId());
                data.put("expiresAt", a.expiresAt());
                yield new Answer(202, "lock:request_sent", data);
            }
            case Outcome.Done d -> {
                data.put("ok", true);
                yield new Answer(200, "ok", data);
            }
            case Outcome.Denied d -> throw new IllegalArgumentException("a refusal has no answer of its own: " + d.code());
        };
    }

    /** The REST form: the answer's status and payload, or the refusal as a problem (thrown). */
    static Rest rest(ResourceId id, Outcome outcome, long version) {
        if (outcome instanceof Outcome.Denied d) {
            throw new ApiException(Wire.refusal(d.code(), d.holder()));
        }
        Answer answer = of(id, outcome, version);
        return new Rest(answer.httpStatus(), answer.data());
    }

    /**
     * The WebSocket form: the answer's event and payload; a refusal is {@code lock:denied} (someone holds it) or an
     * {@code error} with the problem's code, message and status.
     */
    static Outbound ws(ResourceId id, Outcome outcome, long version, String ref) {
        if (!(outcome instanceof Outcome.Denied d)) {
            Answer answer = of(id, outcome, version);
            return new Outbound(answer.event(), answer.data(), ref);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", id.toString());
        data.put("version", version);
        data.put("code", d.code().name());
        data.put("message", d.code().message());
        data.put("status", d.code().httpStatus());
        if (d.holder() != null) {
            data.put("currentHolder", Wire.holder(d.holder()));
            data.put("expiresAt", d.holder().expiresAt());
        }
        if (ref != null) {
            data.put("ref", ref);
        }
        boolean held = d.code() == RefusalCode.LOCK_HELD || d.code() == RefusalCode.HELD_IN_OTHER_SESSION;
        return new Outbound(held ? "lock:denied" : "error", data, ref);
    }
}
