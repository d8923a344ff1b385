package org.baton.server.records;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.baton.core.cluster.SharedSecrets;

/**
 * The one secret that every user's local-draft key is derived from ({@link LocalDraftKeys}). Whoever has it can
 * derive every user's key, so it never leaves the server.
 *
 * <p>It is 32 random bytes kept in the store's shared secrets, created by the first instance that needs it: every
 * instance of a deployment (and every restart) derives the same keys, so a draft encrypted in a browser through one
 * instance is readable after the next page load through any other.
 */
public final class MasterKey {
    static final int LENGTH = 32;
    private static final String NAME = "local-draft-master-key";
    private final byte[] bytes;

    public MasterKey(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a master key has " + LENGTH + " bytes, not " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    /** The deployment's master key, created once (by whichever instance asks first) and shared by all. */
    public static MasterKey shared(SharedSecrets secrets) {
        String stored = secrets.getOrCreate(NAME, () -> {
            byte[] fresh = new byte[LENGTH];
            new SecureRandom().nextBytes(fresh);
            return HexFormat.of().formatHex(fresh);
        });
        byte[] bytes = HexFormat.of().parseHex(stored);
        if (bytes.length != LENGTH) {
            throw new IllegalStateException("the stored local-draft master key is damaged: it should hold " + LENGTH + " bytes, it holds "
                    + bytes.length + ". Restore the database from a backup; replacing it makes every browser's local drafts unreadable.");
        }
        return new MasterKey(bytes);
    }

    byte[] bytes() {
        return bytes.clone();
    }
}
