package org.baton.server.records;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-user keys for the drafts a browser keeps on the device (SPEC feature 29): {@code HMAC-SHA256(master, user)},
 * handed to the signed-in user only, never stored by the browser. Drafts encrypted under one user's key cannot be
 * read by the next person at a shared workstation, who gets another key; the same user gets the same key after a
 * restart, on any device, so their own drafts stay readable.
 */
public final class LocalDraftKeys {
    private static final String PURPOSE = "baton/local-draft/v1/";
    private final SecretKeySpec master;

    public LocalDraftKeys(MasterKey master) {
        this.master = new SecretKeySpec(master.bytes(), "HmacSHA256");
    }

    /** The user's key, base64url without padding (32 bytes). */
    public String keyFor(String userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(master);
            byte[] key = mac.doFinal((PURPOSE + userId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
