package org.baton.core.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * One question to the statistics: the time range {@code [from, to)}, the time zone whose days and hours the answer
 * is counted in, and optional filters (each null for "all"): record type, section, ward, user and role.
 *
 * <p>A range is at most {@link #LONGEST} long, so that every answer stays bounded; days and hours are counted in
 * steps of {@link #SLOT} (every time zone in use today is a whole number of slots away from UTC).
 */
public record AnalyticsQuery(Instant from, Instant to, ZoneId zone, String resourceType, String section, String ward, String userId,
                             String role) {
    /** The longest range one question may cover. */
    public static final Duration LONGEST = Duration.ofDays(400);
    /** The resolution of days and hours: a quarter of an hour. */
    public static final Duration SLOT = Duration.ofMinutes(15);

    public AnalyticsQuery {
        if (from == null || to == null || !from.isBefore(to)) {
            throw new IllegalArgumentException("the range needs a start before its end");
        }
        if (Duration.between(from, to).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("the range may be at most " + LONGEST.toDays() + " days long");
        }
        zone = zone == null ? ZoneId.of("UTC") : zone;
    }

    /** The whole range, no filter, counted in UTC. */
    public static AnalyticsQuery between(Instant from, Instant to) {
        return new AnalyticsQuery(from, to, ZoneId.of("UTC"), null, null, null, null, null);
    }

    public AnalyticsQuery inZone(ZoneId newZone) {
        return new AnalyticsQuery(from, to, newZone, resourceType, section, ward, userId, role);
    }

    public AnalyticsQuery ofType(String type) {
        return new AnalyticsQuery(from, to, zone, type, section, ward, userId, role);
    }

    public AnalyticsQuery ofSection(String newSection) {
        return new AnalyticsQuery(from, to, zone, resourceType, newSection, ward, userId, role);
    }

    public AnalyticsQuery onWard(String newWard) {
        return new AnalyticsQuery(from, to, zone, resourceType, section, newWard, userId, role);
    }

    public AnalyticsQuery ofUser(String newUserId) {
        return new AnalyticsQuery(from, to, zone, resourceType, section, ward, newUserId, role);
    }

    public AnalyticsQuery ofRole(String newRole) {
        return new AnalyticsQuery(from, to, zone, resourceType, section, ward, userId, newRole);
    }
}
