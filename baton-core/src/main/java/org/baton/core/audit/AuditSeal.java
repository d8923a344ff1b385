package org.baton.core.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed seal of the audit chain: {@code HMAC-SHA256(key, seq, hash)} over each entry's chain hash, and over the
 * chain head. The plain hash chain ({@link AuditChain}) shows any change made by someone who cannot recompute it;
 * the seal shows a change made by someone who can write the database and recompute every hash, but does not have
 * the key — which is why the key must not live in the database (docs/reliability.md, audit trail).
 */
public final class AuditSeal {
    private final SecretKeySpec key;
    private final Mac keyed;

    /** A seal with {@code key} (at least 32 bytes). */
    public AuditSeal(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("an audit key needs at least 32 bytes, this one has " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.keyed = newMac(this.key);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }

    /**
     * A fresh MAC ready for this key: a copy of one keyed once, since every lock decision seals its entries and the
     * provider lookup and keying cost more than the MAC itself (a profile of the writer). Never used, only copied,
     * so copying it from several threads is safe.
     */
    private Mac keyedMac() {
        try {
            return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            return newMac(key); // a provider whose MACs cannot be copied: key a new one
        }
    }

    /** The seal of entry (or head) {@code seq} whose chain hash is {@code hash}. */
    public String mac(long seq, String hash) {
        Mac mac = keyedMac();
        mac.update(ByteBuffer.allocate(8).putLong(seq).array());
        mac.update(hash.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Whether {@code mac} is this key's seal of ({@code seq}, {@code hash}), compared in constant time. */
    public boolean seals(long seq, String hash, String mac) {
        return mac != null && MessageDigest.isEqual(mac(seq, hash).getBytes(StandardCharsets.US_ASCII), mac.getBytes(StandardCharsets.US_ASCII));
    }
}
