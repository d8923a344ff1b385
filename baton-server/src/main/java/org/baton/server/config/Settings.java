package org.baton.server.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Every environment variable Baton understands, with its default and limits: the seed's names ({@code LOCK_*},
 * {@code QUEUE_*}, {@code AUTOSAVE_*}, {@code FORCE_UNLOCK_*}) and {@code BATON_*} for what the seeds do not name.
 */
public final class Settings {
    private Settings() {
    }

    public static final Setting<Boolean> LOCK_ENABLED = bool("LOCK_ENABLED", "true",
            "Master switch of the lock API; when false every lock operation answers 503 LOCKS_DISABLED.");
    public static final Setting<Integer> LOCK_TIMEOUT = seconds("LOCK_TIMEOUT", 1800, 60, 86_400,
            "Idle timeout: a lock with no real user activity (typing, clicks) for this long is released (IDLE_TIMEOUT).");
    public static final Setting<Integer> LOCK_HEARTBEAT_INTERVAL = seconds("LOCK_HEARTBEAT_INTERVAL", 60, 5, 3_600,
            "How often clients send a heartbeat while they hold a lock.");
    public static final Setting<Integer> LOCK_WARNING_TIME = seconds("LOCK_WARNING_TIME", 300, 10, 86_400,
            "How long before the idle timeout the holder gets lock:expiring.");
    public static final Setting<Integer> LOCK_GRACE_PERIOD = seconds("LOCK_GRACE_PERIOD", 30, 0, 3_600,
            "Disconnect grace: a dropped holder keeps the lock this long and resumes it on reconnect.");
    public static final Setting<Boolean> QUEUE_ENABLED = bool("QUEUE_ENABLED", "true",
            "Whether users may wait in line for a held lock.");
    public static final Setting<Integer> QUEUE_MAX_SIZE = integer("QUEUE_MAX_SIZE", 10, 1, 1_000, "users",
            "Longest queue per record; one more gets QUEUE_FULL.");
    public static final Setting<Boolean> QUEUE_NOTIFICATION_ENABLED = bool("QUEUE_NOTIFICATION_ENABLED", "true",
            "Whether the next user in line gets a lock_available notification.");
    public static final Setting<Boolean> QUEUE_AUTO_ACQUIRE = bool("QUEUE_AUTO_ACQUIRE", "true",
            "Whether the next user in line gets the lock automatically (else: lock:your_turn and a claim window).");
    public static final Setting<Integer> QUEUE_TIMEOUT = seconds("QUEUE_TIMEOUT", 3_600, 60, 86_400,
            "A place in a queue expires this long after joining; the waiter gets queue:left with reason EXPIRED.");
    public static final Setting<Boolean> AUTOSAVE_ENABLED = bool("AUTOSAVE_ENABLED", "true",
            "Whether drafts are accepted.");
    public static final Setting<Integer> AUTOSAVE_INTERVAL = seconds("AUTOSAVE_INTERVAL", 120, 5, 3_600,
            "How often the browser client autosaves a draft while the form has changes.");
    public static final Setting<Integer> AUTOSAVE_RETENTION_HOURS = integer("AUTOSAVE_RETENTION_HOURS", 24, 1, 8_760, "hours",
            "How long a draft is kept after its last save.");
    public static final Setting<Boolean> ALLOW_FORCE_UNLOCK = bool("ALLOW_FORCE_UNLOCK", "true",
            "Whether takeover (request and emergency) and admin force-release are possible at all.");
    public static final Setting<Set<String>> FORCE_UNLOCK_ROLES = roles("FORCE_UNLOCK_ROLES", "admin,attending",
            "Roles allowed to take over a lock.");
    public static final Setting<Boolean> FORCE_UNLOCK_REQUIRES_REASON = bool("FORCE_UNLOCK_REQUIRES_REASON", "true",
            "Whether a takeover must give a reason (REASON_REQUIRED otherwise).");
    public static final Setting<Boolean> FORCE_UNLOCK_AUDIT_LOG = bool("FORCE_UNLOCK_AUDIT_LOG", "true",
            "Whether takeovers are written to the audit trail (they always are when true; false is refused: audit is not optional in Baton).");
    public static final Setting<Boolean> LOCK_TRACK_VIEWERS = bool("LOCK_TRACK_VIEWERS", "true",
            "Whether viewers appear in presence (the seed defaulted to false; Baton's live presence needs them, so true).");
    public static final Setting<Integer> LOCK_VIEWER_TIMEOUT = seconds("LOCK_VIEWER_TIMEOUT", 600, 30, 86_400,
            "A REST-only viewer that has not polled for this long leaves presence.");

    public static final Setting<Integer> BATON_PORT = integer("BATON_PORT", 8080, 0, 65_535, "port",
            "HTTP and WebSocket port (0 picks a free one).");
    public static final Setting<String> BATON_BIND = text("BATON_BIND", "0.0.0.0", "an interface address or host name",
            "Address to listen on (127.0.0.1 keeps Baton local).");
    public static final Setting<Path> BATON_DATA_DIR = path("BATON_DATA_DIR", "./data",
            "Directory of the embedded database (created if missing); SQLite's native library is unpacked into its native/ folder"
                    + " once, not at every start.");
    public static final Setting<Path> BATON_CONFIG = optionalPath("BATON_CONFIG",
            "YAML file of per-resource-type policies (see Per-type policies in README.md).");
    public static final Setting<Path> BATON_RECORD_TYPES = optionalPath("BATON_RECORD_TYPES",
            "YAML file of record types and their fields (default: the APS demo's five types, see docs/records.md).");
    public static final Setting<Boolean> BATON_ALLOW_ANY_RESOURCE_TYPE = bool("BATON_ALLOW_ANY_RESOURCE_TYPE", "false",
            "Whether any well-formed resource id may be locked (for applications that bring their own records); when false, "
                    + "types that are neither record types nor named in BATON_CONFIG get UNKNOWN_RESOURCE_TYPE, and sections a record "
                    + "type does not have get UNKNOWN_SECTION.");
    public static final Setting<String> BATON_JWT_SECRET = secret("BATON_JWT_SECRET",
            "HS256 shared secret (at least 32 bytes). Setting it (or a key) turns demo mode off.");
    public static final Setting<Path> BATON_JWT_PUBLIC_KEY = optionalPath("BATON_JWT_PUBLIC_KEY",
            "PEM file with the RSA public key of RS256 tokens.");
    public static final Setting<Path> BATON_JWT_JWKS = optionalPath("BATON_JWT_JWKS",
            "JWKS file with the RSA keys of RS256 tokens.");
    public static final Setting<java.net.URI> BATON_JWT_JWKS_URL = new Setting<>("BATON_JWT_JWKS_URL", null, "URL",
            "an https URL (http only for localhost)", "JWKS URL of the identity provider (RS256): keys are cached for 5 minutes and fetched again at once when a token names a new key id (rotation).",
            Settings::jwksUrl);
    public static final Setting<String> BATON_JWT_ROLES_CLAIM = text("BATON_JWT_ROLES_CLAIM", "roles",
            "a claim name, or a dotted path like realm_access.roles",
            "Claim that lists a user's roles: an array of strings or one string; a dotted path reaches into nested claims (Keycloak: realm_access.roles).");
    public static final Setting<String> BATON_JWT_AUDIENCE = optionalText("BATON_JWT_AUDIENCE",
            "Required `aud` of tokens, when set.");
    public static final Setting<String> BATON_JWT_ISSUER = optionalText("BATON_JWT_ISSUER",
            "Required `iss` of tokens, when set.");
    public static final Setting<Integer> BATON_JWT_CLOCK_SKEW = seconds("BATON_JWT_CLOCK_SKEW", 30, 0, 300,
            "Clock skew allowed when checking `exp`.");
    public static final Setting<String> BATON_DEMO = choice("BATON_DEMO", "auto", List.of("auto", "on", "off"),
            "Demo mode (generated secret + development sign-in): auto = on when no secret or key is set.");
    public static final Setting<Integer> BATON_LEASE_TTL = seconds("BATON_LEASE_TTL", 300, 10, 3_600,
            "Lease liveness: a lock with no heartbeat for this long is released (EXPIRED).");
    public static final Setting<Integer> BATON_CLAIM_WINDOW = seconds("BATON_CLAIM_WINDOW", 30, 5, 600,
            "With QUEUE_AUTO_ACQUIRE=false: how long the next user has to claim the lock.");
    public static final Setting<Integer> BATON_MAX_LOCKS_PER_USER = integer("BATON_MAX_LOCKS_PER_USER", 5, 1, 1_000, "locks",
            "Locks one user may hold at once; one more gets MAX_LOCKS_EXCEEDED.");
    public static final Setting<Integer> BATON_MAX_QUEUES_PER_USER = optionalInteger("BATON_MAX_QUEUES_PER_USER", 1, 1_000, "queues",
            "Queues one user may wait in at once, across all records (unset: the same as BATON_MAX_LOCKS_PER_USER); one more gets MAX_QUEUES_EXCEEDED.");
    public static final Setting<Integer> BATON_TAKEOVER_REQUEST_TIMEOUT = seconds("BATON_TAKEOVER_REQUEST_TIMEOUT", 30, 5, 600,
            "A takeover request the holder does not answer is forced after this long.");
    public static final Setting<Integer> BATON_ASK_HOLDER_TIMEOUT = seconds("BATON_ASK_HOLDER_TIMEOUT", 120, 10, 3_600,
            "An unanswered \"ask the holder\" request expires after this long.");
    public static final Setting<Set<String>> BATON_ALLOWED_ORIGINS = list("BATON_ALLOWED_ORIGINS", "",
            "comma-separated origins like https://ehr.example.org",
            "Origins allowed to open WebSockets, besides Baton's own http://localhost:PORT and http://127.0.0.1:PORT.");
    public static final Setting<Integer> BATON_MAX_BODY_BYTES = integer("BATON_MAX_BODY_BYTES", 65_536, 1_024, 16_777_216, "bytes",
            "Largest request body (and WebSocket message); larger ones get PAYLOAD_TOO_LARGE.");
    public static final Setting<Integer> BATON_MAX_DRAFT_BYTES = integer("BATON_MAX_DRAFT_BYTES", 262_144, 1_024, 16_777_216, "bytes",
            "Largest autosaved draft.");
    public static final Setting<Integer> BATON_RATE_LIMIT = integer("BATON_RATE_LIMIT", 20, 1, 100_000, "requests/s",
            "Sustained requests per second per user, across all of the user's REST calls and WebSocket messages; letting go (release, leaving a queue or resource, answering) has its own budget twice as large and is never refused by this one.");
    public static final Setting<Integer> BATON_RATE_BURST = integer("BATON_RATE_BURST", 60, 1, 1_000_000, "requests",
            "Burst allowed above the sustained rate.");
    public static final Setting<Integer> BATON_ALERT_HELD_AFTER = seconds("BATON_ALERT_HELD_AFTER", 3_600, 60, 604_800,
            "Admins get a LOCK_HELD_LONG alert when one lease has been held this long.");
    public static final Setting<Integer> BATON_ALERT_IDLE_AFTER = seconds("BATON_ALERT_IDLE_AFTER", 900, 60, 86_400,
            "Admins get a LOCK_IDLE alert when a holder has shown no activity for this long.");
    public static final Setting<Integer> BATON_ALERT_QUEUE_LENGTH = integer("BATON_ALERT_QUEUE_LENGTH", 10, 1, 1_000, "users",
            "Admins get a QUEUE_LONG alert when this many users wait for one record.");
    public static final Setting<Integer> BATON_ALERT_OVERRIDE_BURST = integer("BATON_ALERT_OVERRIDE_BURST", 3, 1, 1_000, "overrides",
            "Admins get an OVERRIDE_BURST alert when this many takeovers and admin releases happen within BATON_ALERT_OVERRIDE_WINDOW.");
    public static final Setting<Integer> BATON_ALERT_OVERRIDE_WINDOW = seconds("BATON_ALERT_OVERRIDE_WINDOW", 600, 60, 86_400,
            "The window in which overrides are counted for OVERRIDE_BURST.");
    public static final Setting<Integer> BATON_MAX_CONNECTIONS_PER_USER = integer("BATON_MAX_CONNECTIONS_PER_USER", 20, 1, 10_000,
            "connections", "WebSocket connections one user may have open at once; one more gets TOO_MANY_CONNECTIONS.");
    public static final Setting<Integer> BATON_SEND_BUFFER_BYTES = optionalInteger("BATON_SEND_BUFFER_BYTES", 4_096, 16_777_216, "bytes",
            "The kernel send buffer of each accepted connection (SO_SNDBUF); unset = the OS's autotuning (up to 4 MiB on Linux). A smaller one bounds the kernel memory per connection and lets a slow consumer reach the 1,000-message cut-off (1013) sooner.");
    public static final Setting<String> BATON_STORE = choice("BATON_STORE", "sqlite", List.of("sqlite", "postgres"),
            "Where lock state and data live: sqlite = the embedded file in BATON_DATA_DIR (one instance); postgres = a shared PostgreSQL (any number of instances, see docs/deploy.md).");
    public static final Setting<String> BATON_DB_URL = pattern("BATON_DB_URL", "jdbc:postgresql://host:port/database",
            "jdbc:postgresql://[^\\s]{1,500}", "With BATON_STORE=postgres: the JDBC URL of the shared PostgreSQL.");
    public static final Setting<String> BATON_DB_USER = optionalText("BATON_DB_USER",
            "With BATON_STORE=postgres: the database user.");
    public static final Setting<String> BATON_DB_PASSWORD = new Setting<>("BATON_DB_PASSWORD", null, "—", "any text", 
            "With BATON_STORE=postgres: the database password (or use BATON_DB_PASSWORD_FILE).", true, raw -> raw);
    public static final Setting<Path> BATON_DB_PASSWORD_FILE = optionalPath("BATON_DB_PASSWORD_FILE",
            "A file whose first line is the database password (for secrets mounted as files); not together with BATON_DB_PASSWORD.");
    public static final Setting<Integer> BATON_DB_POOL_SIZE = integer("BATON_DB_POOL_SIZE", 10, 2, 200, "connections",
            "With BATON_STORE=postgres: database connections per instance for requests and decisions; each instance also keeps 2 of its own for its heartbeat (so a saturated pool never makes it miss a beat and refuse to act) and 1 for the event bus.");
    public static final Setting<Integer> BATON_DB_TIMEOUT = seconds("BATON_DB_TIMEOUT", 5, 1, 60,
            "With BATON_STORE=postgres: how long a database call may take before Baton gives up and answers 503 STORE_UNAVAILABLE (fail closed, never a guess); a transaction left open longer (a stalled instance) is ended by PostgreSQL, freeing its row locks.");
    public static final Setting<String> BATON_INSTANCE_ID = pattern("BATON_INSTANCE_ID", "letters, digits, '.', '_' or '-' (1 to 64)",
            "[A-Za-z0-9._-]{1,64}", "This instance's name in logs, health and the admin view (default: generated; scaled out, give each instance its own, stable name: a restarted instance then releases its predecessor's sessions into their grace at once).");
    public static final Setting<Integer> BATON_INSTANCE_TIMEOUT = seconds("BATON_INSTANCE_TIMEOUT", 10, 3, 300,
            "Scaled out: an instance whose heartbeat is older than this is dead; its clients' locks enter the disconnect grace and they reconnect elsewhere.");
    public static final Setting<Path> BATON_AUDIT_KEY_FILE = optionalPath("BATON_AUDIT_KEY_FILE",
            "File whose first line (at least 32 characters, e.g. from 'openssl rand -hex 32') is the key that seals the audit chain; keep it where the database is not (another volume, a mounted secret). Default on SQLite: audit.key in BATON_DATA_DIR, created on first start. Required with BATON_STORE=postgres, the same file on every instance.");
    public static final Setting<Path> BATON_AUDIT_CHECKPOINTS = optionalPath("BATON_AUDIT_CHECKPOINTS",
            "Append-only file where this instance records the audit chain's head every minute (also written to the log); verify checks the chain still reaches every recorded point. Default: audit-checkpoints.log in BATON_DATA_DIR.");
    public static final Setting<String> BATON_LOG_FORMAT = choice("BATON_LOG_FORMAT", "json", List.of("json", "text"),
            "Log lines on stdout: JSON objects or plain text (read by logback.xml).");

    /** Every setting, in the order of the README table. */
    public static final List<Setting<?>> ALL = List.of(LOCK_ENABLED, LOCK_TIMEOUT, LOCK_HEARTBEAT_INTERVAL, LOCK_WARNING_TIME,
            LOCK_GRACE_PERIOD, QUEUE_ENABLED, QUEUE_MAX_SIZE, QUEUE_NOTIFICATION_ENABLED, QUEUE_AUTO_ACQUIRE, QUEUE_TIMEOUT, AUTOSAVE_ENABLED,
            AUTOSAVE_INTERVAL, AUTOSAVE_RETENTION_HOURS, ALLOW_FORCE_UNLOCK, FORCE_UNLOCK_ROLES, FORCE_UNLOCK_REQUIRES_REASON,
            FORCE_UNLOCK_AUDIT_LOG, LOCK_TRACK_VIEWERS, LOCK_VIEWER_TIMEOUT, BATON_PORT, BATON_BIND, BATON_DATA_DIR, BATON_CONFIG, BATON_RECORD_TYPES,
            BATON_ALLOW_ANY_RESOURCE_TYPE, BATON_JWT_SECRET, BATON_JWT_PUBLIC_KEY, BATON_JWT_JWKS, BATON_JWT_JWKS_URL, BATON_JWT_ROLES_CLAIM,
            BATON_JWT_AUDIENCE, BATON_JWT_ISSUER, BATON_JWT_CLOCK_SKEW, BATON_DEMO, BATON_LEASE_TTL, BATON_CLAIM_WINDOW,
            BATON_MAX_LOCKS_PER_USER, BATON_MAX_QUEUES_PER_USER, BATON_TAKEOVER_REQUEST_TIMEOUT, BATON_ASK_HOLDER_TIMEOUT,
            BATON_ALLOWED_ORIGINS, BATON_MAX_BODY_BYTES, BATON_MAX_DRAFT_BYTES, BATON_RATE_LIMIT, BATON_RATE_BURST,
            BATON_MAX_CONNECTIONS_PER_USER, BATON_SEND_BUFFER_BYTES, BATON_ALERT_HELD_AFTER, BATON_ALERT_IDLE_AFTER, BATON_ALERT_QUEUE_LENGTH,
            BATON_ALERT_OVERRIDE_BURST, BATON_ALERT_OVERRIDE_WINDOW, BATON_STORE, BATON_DB_URL, BATON_DB_USER, BATON_DB_PASSWORD,
            BATON_DB_PASSWORD_FILE, BATON_DB_POOL_SIZE, BATON_DB_TIMEOUT, BATON_INSTANCE_ID, BATON_INSTANCE_TIMEOUT, BATON_AUDIT_KEY_FILE,
            BATON_AUDIT_CHECKPOINTS, BATON_LOG_FORMAT);

    /** The README's configuration table. */
    public static String markdownTable() {
        var sb = new StringBuilder("| variable | default | unit | allowed | what it does |\n|---|---|---|---|---|\n");
        for (Setting<?> s : ALL) {
            sb.append("| `").append(s.key()).append("` | ")
                    .append(s.defaultValue() == null || s.defaultValue().isEmpty() ? "—" : "`" + s.defaultValue() + "`").append(" | ")
                    .append(s.unit()).append(" | ").append(s.allowed()).append(" | ").append(s.description()).append(" |\n");
        }
        return sb.toString();
    }

    private static Setting<Boolean> bool(String key, String def, String description) {
        return new Setting<>(key, def, "—", "true or false", description, raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException();
        });
    }

    private static Setting<Integer> seconds(String key, int def, int min, int max, String description) {
        return integer(key, def, min, max, "seconds", description);
    }

    private static Setting<Integer> integer(String key, int def, int min, int max, String unit, String description) {
        String allowed = "a whole number " + ("seconds".equals(unit) ? "of seconds " : "") + "from " + min + " to " + max;
        return new Setting<>(key, Integer.toString(def), unit, allowed, description, raw -> {
            int value;
            try {
                value = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(e);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException();
            }
            return value;
        });
    }

    /** A whole number with no fixed default (the reader derives one when it is unset): null when unset. */
    private static Setting<Integer> optionalInteger(String key, int min, int max, String unit, String description) {
        Setting<Integer> bounded = integer(key, min, min, max, unit, description);
        return new Setting<>(key, null, unit, bounded.allowed(), description, raw -> raw == null ? null : bounded.parser().apply(raw));
    }

    private static Setting<String> text(String key, String def, String allowed, String description) {
        return new Setting<>(key, def, "—", allowed, description, raw -> {
            if (raw == null || raw.isBlank() || raw.length() > 255) {
                throw new IllegalArgumentException();
            }
            return raw;
        });
    }

    private static Setting<String> optionalText(String key, String description) {
        return new Setting<>(key, null, "—", "any text up to 255 characters", description, raw -> {
            if (raw != null && raw.length() > 255) {
                throw new IllegalArgumentException();
            }
            return raw;
        });
    }

    private static Setting<String> pattern(String key, String allowed, String regex, String description) {
        java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(regex);
        return new Setting<>(key, null, "—", allowed, description, raw -> {
            if (raw != null && !compiled.matcher(raw).matches()) {
                throw new IllegalArgumentException();
            }
            return raw;
        });
    }

    private static Setting<String> secret(String key, String description) {
        return new Setting<>(key, null, "—", "at least 32 characters", description, true, raw -> {
            if (raw != null && raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException();
            }
            return raw;
        });
    }

    private static Setting<String> choice(String key, String def, List<String> options, String description) {
        return new Setting<>(key, def, "—", "one of " + String.join(", ", options), description, raw -> {
            String value = raw.toLowerCase(Locale.ROOT);
            if (!options.contains(value)) {
                throw new IllegalArgumentException();
            }
            return value;
        });
    }

    private static Setting<Path> path(String key, String def, String description) {
        return new Setting<>(key, def, "path", "a file system path", description, Settings::toPath);
    }

    private static Setting<Path> optionalPath(String key, String description) {
        return new Setting<>(key, null, "path", "a file system path", description, raw -> raw == null ? null : toPath(raw));
    }

    private static Path toPath(String raw) {
        try {
            if (raw.indexOf('\0') >= 0) {
                throw new IllegalArgumentException();
            }
            return Path.of(raw);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static java.net.URI jwksUrl(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            boolean local = host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
            if (host == null || !(scheme.equals("https") || scheme.equals("http") && local) || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException();
            }
            uri.toURL();
            return uri;
        } catch (java.net.URISyntaxException | java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Setting<Set<String>> roles(String key, String def, String description) {
        return new Setting<>(key, def, "—", "comma-separated role names of [a-z0-9_-]", description, raw -> {
            Set<String> parsed = splitList(raw, s -> s.toLowerCase(Locale.ROOT));
            if (parsed.isEmpty() || !parsed.stream().allMatch(r -> r.matches("[a-z0-9_-]{1,64}"))) {
                throw new IllegalArgumentException();
            }
            return parsed;
        });
    }

    private static Setting<Set<String>> list(String key, String def, String allowed, String description) {
        return new Setting<>(key, def, "—", allowed, description, raw -> splitList(raw, Function.identity()));
    }

    private static Set<String> splitList(String raw, Function<String, String> normalise) {
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        var out = new LinkedHashSet<String>();
        Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(normalise).forEach(out::add);
        return Set.copyOf(out);
    }
}
