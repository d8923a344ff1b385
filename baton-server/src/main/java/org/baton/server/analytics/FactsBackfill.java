package org.baton.server.analytics;

import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an upgrade, gives the audit entries written before the statistics existed their facts, newest first, in
 * batches on one background thread, so start-up does not wait for it and the statistics fill in from the recent past
 * backwards. Does nothing (one query) on a database that needs nothing.
 */
public final class FactsBackfill {
    private static final Logger LOG = LoggerFactory.getLogger(FactsBackfill.class);
    private static final int BATCH = 5_000;

    private FactsBackfill() {
    }

    public static void start(JdbcAuditTrail trail) {
        Thread.ofVirtual().name("baton-facts-backfill").start(() -> {
            try {
                long left = trail.backfillFacts(BATCH);
                if (left == 0) {
                    return;
                }
                LOG.info("statistics: adding the facts of older audit entries entriesLeft={}", left);
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
