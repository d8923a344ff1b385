package org.baton.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything Baton is configured with, read once at start from the environment (and the optional policy YAML),
 * validated, then immutable. A bad value stops start-up with a {@link ConfigException} naming the key.
 *
 * @param http where to listen and the request limits
 * @param jwt how tokens are verified, or that demo mode generates its own secret
 * @param locks the default lock policy of every resource type
 * @param autosave draft settings
 * @param dataDir the embedded database's directory
 * @param store which database holds the state (embedded SQLite or a shared PostgreSQL) and this instance's place among others
 * @param resourceTypes per-type overrides of the default policy, from {@code BATON_CONFIG}
 * @param recordTypes the record types and their fields, from {@code BATON_RECORD_TYPES} or the built-in demo types
 * @param alerts when admins are alerted ({@code BATON_ALERT_*})
 */
public record BatonConfig(Http http, Jwt jwt, Locks locks, Autosave autosave, Path dataDir, Store store,
                          Map<String, ResourceTypePolicy> resourceTypes, org.baton.server.records.RecordTypes recordTypes,
                          org.baton.server.admin.AlertWatch.Thresholds alerts) {

    /**
     * The durable store and this instance's identity among others: the embedded SQLite file (one instance) or a
     * shared PostgreSQL (any number of instances).
     *
     * @param instanceName the operator's name for this instance, or null to generate one
     * @param instanceTimeout heartbeat age after which an instance counts as dead
     */
    public record Store(boolean postgres, String url, String user, String password, int poolSize, Duration timeout,
                        String instanceName, Duration instanceTimeout, Path auditKeyFile, Path auditCheckpoints) {
        @Override
        public String toString() {
            return "Store[postgres=" + postgres + ", url=" + url + ", user=" + user + ", password=" + (password == null ? "unset" : "<hidden>")
                    + ", poolSize=" + poolSize + ", timeout=" + timeout + ", instanceName=" + instanceName + ", instanceTimeout=" + instanceTimeout
                    + ", auditKeyFile=" + auditKeyFile + ", auditCheckpoints=" + auditCheckpoints + "]";
        }
    }

    /**
     * HTTP listener and input limits.
     *
     * @param sendBufferBytes each accepted connection's SO_SNDBUF, or null for the OS's autotuning
     */
    public record Http(String bind, int port, Set<String> extraAllowedOrigins, int maxBodyBytes, int rateLimitPerSecond, int rateBurst,
                       int maxConnectionsPerUser, Integer sendBufferBytes) {
    }

    /**
     * Token verification: exactly one of secret, public key, JWKS file, JWKS URL — or none, which means demo mode.
     *
     * @param rolesClaim the claim (or dotted path) listing a user's roles
     */
    public record Jwt(String secret, Path publicKeyFile, Path jwksFile, java.net.URI jwksUrl, String rolesClaim, String audience, String issuer,
                      Duration clockSkew, boolean demoMode) {
        @Override
        public String toString() {
            return "Jwt[secret=" + (secret == null ? "unset" : "<hidden>") + ", publicKeyFile=" + publicKeyFile + ", jwksFile=" + jwksFile
                    + ", jwksUrl=" + jwksUrl + ", rolesClaim=" + rolesClaim + ", audience=" + audience + ", issuer=" + issuer
                    + ", clockSkew=" + clockSkew + ", demoMode=" + demoMode + "]";
        }
    }

    /** The default lock policy (seed names where the seeds have them). */
    public record Locks(boolean enabled, Duration leaseTtl, Duration heartbeatInterval, Duration idleTimeout, Duration idleWarning,
                        Duration disconnectGrace, boolean queueEnabled, int queueMaxSize, boolean queueNotifications,
                        boolean queueAutoAcquire, Duration claimWindow, int maxLocksPerUser, boolean forceUnlockAllowed,
                        Set<String> forceUnlockRoles, boolean forceUnlockRequiresReason, Duration takeoverRequestTimeout,
                        Duration askHolderTimeout, boolean trackViewers, Duration viewerTimeout, int maxQueuesPerUser,
                        Duration queueTimeout, boolean anyResourceType) {
    }

    /** Drafts. */
    public record Autosave(boolean enabled, Duration interval, Duration retention, int maxDraftBytes) {
    }

    /** Reads and validates the whole configuration from {@code env} (Main passes {@code System.getenv()}). */
    public static BatonConfig fromEnvironment(Map<String, String> env) {
        Locks locks = new Locks(
                Settings.LOCK_ENABLED.read(env),
                seconds(Settings.BATON_LEASE_TTL.read(env)),
                seconds(Settings.LOCK_HEARTBEAT_INTERVAL.read(env)),
                seconds(Settings.LOCK_TIMEOUT.read(env)),
                seconds(Settings.LOCK_WARNING_TIME.read(env)),
                seconds(Settings.LOCK_GRACE_PERIOD.read(env)),
                Settings.QUEUE_ENABLED.read(env),
                Settings.QUEUE_MAX_SIZE.read(env),
                Settings.QUEUE_NOTIFICATION_ENABLED.read(env),
                Settings.QUEUE_AUTO_ACQUIRE.read(env),
                seconds(Settings.BATON_CLAIM_WINDOW.read(env)),
                Settings.BATON_MAX_LOCKS_PER_USER.read(env),
                Settings.ALLOW_FORCE_UNLOCK.read(env),
                Settings.FORCE_UNLOCK_ROLES.read(env),
                Settings.FORCE_UNLOCK_REQUIRES_REASON.read(env),
                seconds(Settings.BATON_TAKEOVER_REQUEST_TIMEOUT.read(env)),
                seconds(Settings.BATON_ASK_HOLDER_TIMEOUT.read(env)),
                Settings.LOCK_TRACK_VIEWERS.read(env),
                seconds(Settings.LOCK_VIEWER_TIMEOUT.read(env)),
                Settings.BATON_MAX_QUEUES_PER_USER.isSet(env) ? Settings.BATON_MAX_QUEUES_PER_USER.read(env) : Settings.BATON_MAX_LOCKS_PER_USER.read(env),
                seconds(Settings.QUEUE_TIMEOUT.read(env)),
                Settings.BATON_ALLOW_ANY_RESOURCE_TYPE.read(env));
        if (!Settings.FORCE_UNLOCK_AUDIT_LOG.read(env)) {
            throw new ConfigException("FORCE_UNLOCK_AUDIT_LOG='" + env.get("FORCE_UNLOCK_AUDIT_LOG")
                    + "': expected true (takeovers are always audited in Baton; this key exists for seed compatibility)");
        }
        if (locks.idleWarning().compareTo(locks.idleTimeout()) >= 0) {
            throw new ConfigException("LOCK_WARNING_TIME='" + locks.idleWarning().toSeconds() + "': expected less than LOCK_TIMEOUT ("
                    + locks.idleTimeout().toSeconds() + ")");
        }
        if (locks.heartbeatInterval().compareTo(locks.leaseTtl()) >= 0) {
            throw new ConfigException("LOCK_HEARTBEAT_INTERVAL='" + locks.heartbeatInterval().toSeconds()
                    + "': expected less than BATON_LEASE_TTL (" + locks.leaseTtl().toSeconds() + "), or every lease would lapse between heartbeats");
        }
        Autosave autosave = new Autosave(
                Settings.AUTOSAVE_ENABLED.read(env),
                seconds(Settings.AUTOSAVE_INTERVAL.read(env)),
                Duration.ofHours(Settings.AUTOSAVE_RETENTION_HOURS.read(env)),
                Settings.BATON_MAX_DRAFT_BYTES.read(env));
        Http http = new Http(
                Settings.BATON_BIND.read(env),
                Settings.BATON_PORT.read(env),
                Settings.BATON_ALLOWED_ORIGINS.read(env),
                Settings.BATON_MAX_BODY_BYTES.read(env),
                Settings.BATON_RATE_LIMIT.read(env),
                Settings.BATON_RATE_BURST.read(env),
                Settings.BATON_MAX_CONNECTIONS_PER_USER.read(env),
                Settings.BATON_SEND_BUFFER_BYTES.read(env));
        for (String origin : http.extraAllowedOrigins()) {
            if (!origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                throw new ConfigException("BATON_ALLOWED_ORIGINS='" + origin + "': expected origins like https://ehr.example.org[:port], comma-separated");
            }
        }
        Settings.BATON_LOG_FORMAT.read(env);
        Jwt jwt = readJwt(env);
        Path policyFile = Settings.BATON_CONFIG.read(env);
        Map<String, ResourceTypePolicy> types = policyFile == null ? Map.of() : PolicyFile.read(policyFile);
        var recordTypes = org.baton.server.records.RecordTypes.load(Settings.BATON_RECORD_TYPES.read(env));
        var alerts = new org.baton.server.admin.AlertWatch.Thresholds(seconds(Settings.BATON_ALERT_HELD_AFTER.read(env)),
                seconds(Settings.BATON_ALERT_IDLE_AFTER.read(env)), Settings.BATON_ALERT_QUEUE_LENGTH.read(env),
                Settings.BATON_ALERT_OVERRIDE_BURST.read(env), seconds(Settings.BATON_ALERT_OVERRIDE_WINDOW.read(env)));
        return new BatonConfig(http, jwt, locks, autosave, Settings.BATON_DATA_DIR.read(env), readStore(env), types, recordTypes, alerts);
    }

    private static Store readStore(Map<String, String> env) {
        boolean postgres = Settings.BATON_STORE.read(env).equals("postgres");
        String url = Settings.BATON_DB_URL.read(env);
        String password = Settings.BATON_DB_PASSWORD.read(env);
        Path passwordFile = Settings.BATON_DB_PASSWORD_FILE.read(env);
        String user = Settings.BATON_DB_USER.read(env);
        int poolSize = Settings.BATON_DB_POOL_SIZE.read(env);
        Duration timeout = seconds(Settings.BATON_DB_TIMEOUT.read(env));
        String instance = Settings.BATON_INSTANCE_ID.read(env);
        Duration instanceTimeout = seconds(Settings.BATON_INSTANCE_TIMEOUT.read(env));
        if (!postgres) {
            for (Setting<?> onlyScaledOut : java.util.List.of(Settings.BATON_DB_URL, Settings.BATON_DB_USER, Settings.BATON_DB_PASSWORD,
                    Settings.BATON_DB_PASSWORD_FILE, Settings.BATON_DB_POOL_SIZE, Settings.BATON_DB_TIMEOUT)) {
                if (onlyScaledOut.isSet(env)) {
                    throw new ConfigException(onlyScaledOut.key() + "='" + (onlyScaledOut.sensitive() ? "<hidden>" : env.get(onlyScaledOut.key()))
                            + "': expected it unset while BATON_STORE=sqlite (it applies to BATON_STORE=postgres only)");
                }
            }
        }
        if (password != null && passwordFile != null) {
            throw new ConfigException("BATON_DB_PASSWORD/BATON_DB_PASSWORD_FILE: expected at most one of them to be set");
        }
        if (passwordFile != null) {
            try {
                password = java.nio.file.Files.readAllLines(passwordFile).stream().findFirst().orElse("");
            } catch (java.io.IOException | RuntimeException e) {
                throw new ConfigException("BATON_DB_PASSWORD_FILE='" + passwordFile + "': expected a readable file whose first line is the password");
            }
        }
        if (postgres && url == null) {
            throw new ConfigException("BATON_DB_URL='': expected jdbc:postgresql://host:port/database (BATON_STORE=postgres needs it)");
        }
        Path keyFile = Settings.BATON_AUDIT_KEY_FILE.read(env);
        if (postgres && keyFile == null) {
            throw new ConfigException("BATON_AUDIT_KEY_FILE='': expected the audit key file every instance shares (BATON_STORE=postgres needs it;"
                    + " see docs/deploy.md)");
        }
        if (keyFile != null && !java.nio.file.Files.isReadable(keyFile)) {
            throw new ConfigException("BATON_AUDIT_KEY_FILE='" + keyFile + "': expected a readable file whose first line is the audit key");
        }
        return new Store(postgres, url, user, password, poolSize, timeout, instance, instanceTimeout, keyFile,
                Settings.BATON_AUDIT_CHECKPOINTS.read(env));
    }

    private static Jwt readJwt(Map<String, String> env) {
        String secret = Settings.BATON_JWT_SECRET.read(env);
        Path publicKey = Settings.BATON_JWT_PUBLIC_KEY.read(env);
        Path jwks = Settings.BATON_JWT_JWKS.read(env);
        java.net.URI jwksUrl = Settings.BATON_JWT_JWKS_URL.read(env);
        int configured = (secret != null ? 1 : 0) + (publicKey != null ? 1 : 0) + (jwks != null ? 1 : 0) + (jwksUrl != null ? 1 : 0);
        if (configured > 1) {
            throw new ConfigException("BATON_JWT_SECRET/BATON_JWT_PUBLIC_KEY/BATON_JWT_JWKS/BATON_JWT_JWKS_URL: expected at most one of them to be set, found "
                    + configured);
        }
        for (var file : new Object[][] {{"BATON_JWT_PUBLIC_KEY", publicKey}, {"BATON_JWT_JWKS", jwks}}) {
            Path path = (Path) file[1];
            if (path != null && !java.nio.file.Files.isReadable(path)) {
                throw new ConfigException(file[0] + "='" + path + "': expected a readable file");
            }
        }
        String demo = Settings.BATON_DEMO.read(env);
        boolean demoMode = switch (demo) {
            case "on" -> {
                if (configured > 0) {
                    throw new ConfigException("BATON_DEMO='on': expected auto or off while a JWT secret or key is configured (the development sign-in must never coexist with real tokens)");
                }
                yield true;
            }
            case "off" -> {
                if (configured == 0) {
                    throw new ConfigException("BATON_DEMO='off': expected BATON_JWT_SECRET, BATON_JWT_PUBLIC_KEY, BATON_JWT_JWKS or BATON_JWT_JWKS_URL to be set too (without one no token could be verified)");
                }
                yield false;
            }
            default -> configured == 0;
        };
        return new Jwt(secret, publicKey, jwks, jwksUrl, Settings.BATON_JWT_ROLES_CLAIM.read(env), Settings.BATON_JWT_AUDIENCE.read(env),
                Settings.BATON_JWT_ISSUER.read(env),
                seconds(Settings.BATON_JWT_CLOCK_SKEW.read(env)), demoMode);
    }

    private static Duration seconds(int value) {
        return Duration.ofSeconds(value);
    }
}
