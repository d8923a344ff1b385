package org.baton.server;

import org.baton.core.store.StoreUnavailableException;
import org.baton.server.config.BatonConfig;
import org.baton.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Baton from the environment: reads and validates the configuration (a bad value stops start-up with one
 * line naming the key), opens the database, starts listening, and prints where to go. With a command as its
 * argument it runs that instead ({@link Maintenance}: backup, restore, raise-fences).
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /**
     * {@code --demo-month}: before starting, writes a month of acute-pain-service activity into the store, if its audit
     * trail is still empty (a fresh data directory), so the dashboard's statistics have a history to show.
     */
    private static void writeDemoMonth(BatonConfig config) {
        try (var stores = org.baton.server.store.Stores.open(config)) {
            var written = org.baton.server.demo.DemoMonth.writeIfEmpty(stores.records, stores.audit, java.time.Instant.now(), 15);
            if (written == null) {
                System.out.println("baton: --demo-month: this store already has an audit trail; starting with the history it holds.");
            } else {
                System.out.println("baton: --demo-month: wrote " + written.auditEntries() + " audit entries and " + written.records()
                        + " records, " + written.from() + " to " + written.to() + ".");
            }
        }
    }

    public static void main(String[] args) {
        BatonConfig config;
        try {
            config = BatonConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("baton: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            if (Maintenance.run(args, config)) {
                return;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("baton: " + e.getMessage());
            System.exit(2);
            return;
        } catch (StoreUnavailableException e) {
            System.err.println("baton: " + e.getMessage());
            System.exit(3);
            return;
        }
        BatonServer server;
        try {
            if (java.util.Arrays.asList(args).contains("--demo-month")) {
                writeDemoMonth(config);
            }
            server = BatonServer.start(config);
        } catch (ConfigException e) {
            System.err.println("baton: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (StoreUnavailableException e) {
            System.err.println("baton: cannot open the database: " + e.getMessage());
            System.exit(3);
            return;
        } catch (RuntimeException e) {
            System.err.println("baton: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "baton-shutdown"));
        String base = "http://localhost:" + server.port();
        String where = config.store().postgres() ? "PostgreSQL " + config.store().url() : config.dataDir().toAbsolutePath().toString();
        LOG.info("baton ready url={} store={} instance={} demoMode={}", base, where, server.instanceId(), config.jwt().demoMode());
        System.out.println();
        System.out.println("  Baton is running at " + base + "   (data in " + where + "; instance " + server.instanceId() + ")");
        if (config.jwt().demoMode()) {
            System.out.println("  Demo:                " + base + "/");
            System.out.println("  Development sign-in: " + base + "/signin   (demo mode: tokens for the demo users)");
        }
        System.out.println("  Health:              " + base + "/health/ready    Metrics: " + base + "/metrics");
        System.out.println("  Stop with Ctrl+C.");
        System.out.println();
    }
}
