package org.baton.server.locks;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.baton.core.Actor;
import org.baton.core.InvalidResourceIdException;
import org.baton.core.ResourceId;
import org.baton.server.auth.Identity;
import org.baton.server.http.ApiException;
import org.baton.server.http.RequestAuth;
import org.baton.server.session.ClientSession;

/** Reading the common parts of lock requests: the resource id, the acting (user, session), bounded text fields. */
public final class Requests {
    static final int MAX_TEXT = org.baton.core.LockMachine.MAX_MESSAGE;

    private Requests() {
    }

    /** The actor of a live connection (WebSocket): it is told when the connection drops. */
    public static Actor actor(Identity identity, ClientSession session) {
        return new Actor(identity.userId(), identity.name(), identity.roles(), session.id());
    }

    /** The actor of a REST request: it follows by polling, so its viewing lapses when it stops looking. */
    public static Actor actor(Context ctx) {
        Identity identity = RequestAuth.identity(ctx);
        return new Actor(identity.userId(), identity.name(), identity.roles(), RequestAuth.session(ctx).id(), true);
    }

    /** {@code resourceId} from a JSON body; a missing or malformed one is a 400 {@code INVALID_RESOURCE_ID}. */
    public static ResourceId resourceId(JsonNode body) {
        JsonNode node = body.get("resourceId");
        if (node == null || !node.isTextual()) {
            throw ApiException.badRequest("INVALID_RESOURCE_ID", "'resourceId' is required: a string type:id or type:id:child.");
        }
        return parse(node.asText());
    }

    /** {@code /{type}/{id}[?child=c]} path form. */
    public static ResourceId resourceId(Context ctx) {
        String child = ctx.queryParam("child");
        return parse(ctx.pathParam("type") + ":" + ctx.pathParam("id") + (child == null ? "" : ":" + child));
    }

    public static ResourceId parse(String text) {
        try {
            return ResourceId.parse(text);
        } catch (InvalidResourceIdException e) {
            throw ApiException.badRequest("INVALID_RESOURCE_ID", "Invalid resource id: " + e.getMessage() + ".");
        }
    }

    /** An optional string member of at most {@value #MAX_TEXT} characters. */
    public static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("INVALID_FIELD", "Field '" + field + "' must be a string.");
        }
        if (node.asText().length() > MAX_TEXT) {
            throw ApiException.badRequest("MESSAGE_TOO_LONG", "Field '" + field + "' is longer than " + MAX_TEXT + " characters.");
        }
        return node.asText();
    }

    public static boolean flag(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest("INVALID_FIELD", "Field '" + field + "' must be true or false.");
        }
        return node.asBoolean();
    }

    /**
     * An optional whole-number member from {@code min} to {@link Long#MAX_VALUE}, or null when absent. Numbers beyond
     * 64 bits, fractions, strings and anything below {@code min} are refused naming the field: never wrapped or rounded.
     */
    public static Long wholeNumber(JsonNode body, String field, long min) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min) {
            throw ApiException.badRequest("INVALID_FIELD", "Field '" + field + "' must be a whole number from " + min + " to "
                    + Long.MAX_VALUE + ".");
        }
        return node.asLong();
    }

    /** A required string member. */
    public static String requiredText(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("INVALID_FIELD", "Field '" + field + "' is required.");
        }
        return value;
    }
}
