package org.baton.server.analytics;

import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an upgrade, gives the audit entries written before the statistics existed their facts, newest first, in
 * batches on one background thread, so start-up does not wait for it and the statistics fill in from the recent past
 * backwards. On a database that needs nothing it is one short transaction at start.
 */
public final class FactsBackfill {
    private static final Logger LOG = LoggerFactory.getLogger(FactsBackfill.class);
    private static final int BATCH = 5_000;

    private FactsBackfill() {
    }

    /** Runs the first batch now (on a database that needs nothing, that is all) and the rest in the background. */
    public static void start(JdbcAuditTrail trail) {
        long first = trail.backfillFacts(BATCH);
        if (first == 0) {
            return;
        }
        LOG.info("statistics: adding the facts of older audit entries entriesLeft={}", first);
        Thread.ofVirtual().name("baton-facts-backfill").start(() -> {
            try {
                long left = first;
                while (left > 0) {
                    left = trail.backfillFacts(BATCH);
                }
                LOG.info("statistics: the older audit entries are counted now");
            } catch (RuntimeException e) {
                LOG.warn("statistics: could not add the facts of older audit entries (the next start tries again): {}", e.getMessage());
            }
        });
    }
}
