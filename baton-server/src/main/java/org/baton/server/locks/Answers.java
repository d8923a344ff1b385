package org.baton.server.locks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.baton.core.Outcome;
import org.baton.core.RefusalCode;
import org.baton.core.ResourceId;
import org.baton.server.http.ApiException;
import org.baton.server.session.Outbound;

/** The caller's direct answer to a command, for REST (status + body) and for WebSocket (an event with the ref). */
final class Answers {
    private Answers() {
    }

    /** A REST answer: HTTP status and JSON body. Refusals are thrown as problems. */
    record Rest(int status, Map<String, Object> body) {
    }

    static Rest rest(ResourceId id, Outcome outcome, long version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceId", id.toString());
        body.put("version", version);
        return switch (outcome) {
            case Outcome.Granted g -> {
                body.put("status", "acquired");
                body.put("lease", Wire.lease(g.lease()));
                if (g.handoverNote() != null) {
                    body.put("handoverNote", g.handoverNote());
                }
                yield new Rest(200, body);
            }
            case Outcome.Queued q -> {
                body.put("status", "queued");
                body.put("position", q.position());
                body.put("estimatedWaitSeconds", Wire.seconds(q.estimatedWait()));
                yield new Rest(202, body);
            }
            case Outcome.Extended e -> {
                body.put("lease", Wire.lease(e.lease()));
                yield new Rest(200, body);
            }
            case Outcome.Released r -> {
                body.put("released", true);
                yield new Rest(200, body);
            }
            case Outcome.TakeoverPending t -> {
                body.put("status", "requested");
                body.put("autoForceAt", t.autoForceAt());
                yield new Rest(202, body);
            }
            case Outcome.AskSent a -> {
                body.put("status", "asked");
                body.put("requestId", a.requestId());
                body.put("expiresAt", a.expiresAt());
                yield new Rest(202, body);
            }
            case Outcome.Done d -> {
                body.put("ok", true);
                yield new Rest(200, body);
            }
            case Outcome.Denied d -> throw new ApiException(Wire.refusal(d.code(), d.holder()));
        };
    }

    static Outbound ws(ResourceId id, Outcome outcome, long version, String ref) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resourceId", id.toString());
        data.put("version", version);
        String event = switch (outcome) {
            case Outcome.Granted g -> {
                data.put("lease", Wire.lease(g.lease()));
                data.put("yours", true);
                if (g.handoverNote() != null) {
                    data.put("handoverNote", g.handoverNote());
                }
                yield "lock:acquired";
            }
            case Outcome.Queued q -> {
                data.put("position", q.position());
                data.put("estimatedWaitSeconds", Wire.seconds(q.estimatedWait()));
                yield "lock:queued";
            }
            case Outcome.Extended e -> {
                data.put("lease", Wire.lease(e.lease()));
                yield "lock:extended";
            }
            case Outcome.Released r -> {
                data.put("reason", "RELEASED");
                yield "lock:released";
            }
            case Outcome.TakeoverPending t -> {
                data.put("autoForceAt", t.autoForceAt());
                yield "lock:takeover_pending";
            }
            case Outcome.AskSent a -> {
                data.put("requestId", a.requestId());
                data.put("expiresAt", a.expiresAt());
                yield "lock:request_sent";
            }
            case Outcome.Done d -> "ok";
            case Outcome.Denied d -> {
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
                yield d.code() == RefusalCode.LOCK_HELD || d.code() == RefusalCode.HELD_IN_OTHER_SESSION ? "lock:denied" : "error";
            }
        };
        return new Outbound(event, data, ref);
    }
}
