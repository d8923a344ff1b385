package org.baton.server.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.notify.NotificationInbox;
import org.baton.server.session.ClientSession;
import org.baton.server.session.SessionRegistry;
import org.baton.server.timers.Timers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server cleans up after itself, no external cron (SPEC 22): every minute it forgets sessions disconnected
 * past their grace (their leases were already released by the lock deadlines) and runs the other periodic jobs it
 * is given (alert scans, rate-limit buckets); once an hour it deletes notifications older than the retention and runs the hourly jobs (draft retention).
 * Expired leases and queue entries need no sweeping: the core derives expiry and the deadline timers announce it.
 */
public final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private final SessionRegistry sessions;
    private final NotificationInbox inbox;
    private final InstantSource clock;
    private final Duration sessionGrace;
    private final Duration notificationRetention;
    private final List<Runnable> everyMinute = new ArrayList<>();
    private final List<Runnable> everyHour = new ArrayList<>();
    private volatile Instant lastMinuteRound;
    private volatile Instant lastHourRound;

    public Housekeeping(SessionRegistry sessions, NotificationInbox inbox, InstantSource clock, Duration sessionGrace, Duration notificationRetention) {
        this.sessions = sessions;
        this.inbox = inbox;
        this.clock = clock;
        this.sessionGrace = sessionGrace;
        this.notificationRetention = notificationRetention;
    }

    /** Adds a job to the minute round. */
    public Housekeeping alsoEveryMinute(Runnable job) {
        everyMinute.add(job);
        return this;
    }

    /** Adds a job to the hourly round (draft retention). */
    public Housekeeping alsoEveryHour(Runnable job) {
        everyHour.add(job);
        return this;
    }

    public void start(Timers timers) {
        timers.every(Duration.ofMinutes(1), this::minute);
        timers.every(Duration.ofHours(1), this::hour);
    }

    void minute() {
        Instant cutoff = clock.instant().minus(sessionGrace).minus(Duration.ofMinutes(1));
        for (ClientSession session : sessions.disconnectedBefore(cutoff)) {
            sessions.forget(session);
        }
        runAll(everyMinute);
        lastMinuteRound = clock.instant();
    }

    /** When the minute round last finished on this instance (null before the first). */
    public Instant lastMinuteRound() {
        return lastMinuteRound;
    }

    /** When the hourly round last finished on this instance (null before the first). */
    public Instant lastHourRound() {
        return lastHourRound;
    }

    private static void runAll(List<Runnable> jobs) {
        for (Runnable job : jobs) {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.error("a housekeeping job failed; the others go on", e);
            }
        }
    }

    void hour() {
        int deleted = inbox.deleteOlderThan(clock.instant().minus(notificationRetention));
        if (deleted > 0) {
            LOG.info("housekeeping deleted old notifications count={}", deleted);
        }
        runAll(everyHour);
        lastHourRound = clock.instant();
    }
}
