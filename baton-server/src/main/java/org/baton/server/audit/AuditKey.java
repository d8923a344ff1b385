package org.baton.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.baton.core.audit.AuditSeal;
import org.baton.server.config.ConfigException;

/**
 * Where the audit chain's key comes from: the first line of {@code BATON_AUDIT_KEY_FILE} (at least 32 characters),
 * or, on the embedded database without that setting, {@code audit.key} in the data directory, created on first start
 * with owner-only permissions. Never from the database: the key is what makes a rewrite of the database's audit
 * entries detectable.
 */
public final class AuditKey {
    static final String DEFAULT_FILE = "audit.key";

    private AuditKey() {
    }

    /** The seal for the configured key file, or for the data directory's own key (created when missing). */
    public static AuditSeal seal(Path configured, Path dataDir) {
        Path file = configured != null ? configured : dataDir.resolve(DEFAULT_FILE);
        try {
            if (configured == null && !Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Files.writeString(file, HexFormat.of().formatHex(fresh) + "\n", StandardOpenOption.CREATE_NEW);
                if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
            String key = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
            if (key.length() < 32) {
                throw new ConfigException("BATON_AUDIT_KEY_FILE='" + file + "': expected a first line of at least 32 characters (the audit key)");
            }
            return new AuditSeal(key.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("BATON_AUDIT_KEY_FILE='" + file + "': expected a readable key file (" + e.getMessage() + ")");
        }
    }
}
