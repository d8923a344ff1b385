package org.baton.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An RFC 9457 problem document: the one shape every refusal takes, over REST and (as {@code code} and
 * {@code message}) in WebSocket {@code error} events.
 *
 * <p>{@code code} is the stable machine-readable name clients switch on ({@code LOCK_HELD},
 * {@code UNAUTHENTICATED}, ...); {@code detail} is a human sentence that never carries internals
 * (no stack traces, class names or SQL). {@code extensions} carries the extra members a refusal needs,
 * written as top-level members, such as the current {@code holder} of a lock or the current record of a version conflict.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    /** Extension members are written beside {@code code} and {@code detail}, as RFC 9457 has them. */
    @com.fasterxml.jackson.annotation.JsonAnyGetter
    public Map<String, Object> members() {
        return extensions == null ? Map.of() : extensions;
    }

    /** The media type of every error body. */
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String detail) {
        return new Problem("https://baton.dev/problems/" + code.toLowerCase().replace('_', '-'),
                titleFor(status), status, code, detail, null);
    }

    public Problem with(String member, Object value) {
        var copy = extensions == null ? new java.util.LinkedHashMap<String, Object>() : new java.util.LinkedHashMap<>(extensions);
        copy.put(member, value);
        return new Problem(type, title, status, code, detail, Map.copyOf(copy));
    }

    private static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthenticated";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 412 -> "Precondition failed";
            case 413 -> "Payload too large";
            case 415 -> "Unsupported media type";
            case 423 -> "Locked";
            case 428 -> "Precondition required";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            case 507 -> "Insufficient storage";
            default -> status >= 500 ? "Internal error" : "Request refused";
        };
    }
}
