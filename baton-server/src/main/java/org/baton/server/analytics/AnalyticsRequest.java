package org.baton.server.analytics;

import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.baton.core.analytics.AnalyticsQuery;
import org.baton.server.http.ApiException;

/**
 * Reads an {@link AnalyticsQuery} from a request's query string: {@code range} ({@code 24h}, {@code 7d} — the default —
 * or {@code 30d}, ending now) or {@code from} and {@code to} (ISO-8601 instants, at most 400 days apart); {@code zone}
 * (an IANA time zone such as {@code Europe/London}, default UTC) for days and hours; and the filters {@code type},
 * {@code section}, {@code ward}, {@code userId}, {@code role}. Anything else is refused with {@code INVALID_FIELD}.
 */
final class AnalyticsRequest {
    private static final Map<String, Duration> RANGES = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    private AnalyticsRequest() {
    }

    static AnalyticsQuery of(Context ctx, InstantSource clock) {
        Instant from = instant(ctx, "from");
        Instant to = instant(ctx, "to");
        String range = text(ctx, "range");
        if (from == null && to == null) {
            Duration length = RANGES.get(range == null ? "7d" : range);
            if (length == null) {
                throw ApiException.badRequest("INVALID_FIELD", "'range' must be 24h, 7d or 30d (or give 'from' and 'to').");
            }
            to = clock.instant();
            from = to.minus(length);
        } else if (from == null || to == null || range != null) {
            throw ApiException.badRequest("INVALID_FIELD", "Give either 'range', or both 'from' and 'to'.");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(text(ctx, "zone") == null ? "UTC" : text(ctx, "zone"));
        } catch (DateTimeException e) {
            throw ApiException.badRequest("INVALID_FIELD", "'zone' must be a time zone like Europe/London or UTC.");
        }
        try {
            return new AnalyticsQuery(from, to, zone, text(ctx, "type"), text(ctx, "section"), text(ctx, "ward"), text(ctx, "userId"),
                    text(ctx, "role"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_FIELD", "The range is not valid: " + e.getMessage() + ".");
        }
    }

    static String text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value != null && value.length() > 300) {
            throw ApiException.badRequest("INVALID_FIELD", "'" + name + "' is too long.");
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Instant instant(Context ctx, String name) {
        String value = text(ctx, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("INVALID_FIELD", "'" + name + "' must be an ISO-8601 instant like 2026-01-13T09:00:00Z.");
        }
    }
}
