package org.baton.core.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Time in {@link AnalyticsQuery#SLOT quarter-hour slots} since the epoch: stores group by slot (an integer division
 * every SQL database does alike), and the answer turns slots into days and hours of the asker's time zone.
 */
public final class Slots {
    /** Milliseconds per slot. */
    public static final long MILLIS = AnalyticsQuery.SLOT.toMillis();

    private Slots() {
    }

    public static long of(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), MILLIS);
    }

    public static LocalDate day(long slot, ZoneId zone) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(slot * MILLIS), zone);
    }

    public static int hour(long slot, ZoneId zone) {
        return Instant.ofEpochMilli(slot * MILLIS).atZone(zone).getHour();
    }

    /** Every day the query's range touches, in its zone, first to last. */
    public static List<LocalDate> days(AnalyticsQuery q) {
        LocalDate first = LocalDate.ofInstant(q.from(), q.zone());
        LocalDate last = LocalDate.ofInstant(q.to().minusMillis(1), q.zone());
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            days.add(d);
        }
        return days;
    }
}
