package org.baton.core.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The rules of the tamper-evident audit chain: {@code hash = SHA-256(prevHash, canonical(seq, record))} with a
 * genesis hash of 64 zeros. The canonical form is length-prefixed field by field (details sorted by key), so no two
 * different entries share it.
 *
 * <p>{@link #verify} walks entries in order and reports the first broken link: a changed field (hash mismatch), a
 * missing entry (sequence gap), a reordered or swapped entry (previous-hash mismatch), or a cut tail (the stored
 * chain head names a later entry than the last one present).
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);

    /** The outcome of a verification. */
    public record Report(boolean intact, long entries, long firstBadSeq, String problem) {
        public static Report ok(long entries) {
            return new Report(true, entries, 0, null);
        }
    }

    /**
     * The chain head kept apart from the entries: the last sequence number and hash appended, and their seal (null
     * when unsealed).
     */
    public record Head(long seq, String hash, String mac) {
        public static final Head EMPTY = new Head(0, GENESIS, null);

        public Head(long seq, String hash) {
            this(seq, hash, null);
        }
    }

    /**
     * A point of the chain recorded outside the database (an append-only file, the log): entry {@code seq} had hash
     * {@code hash}. A chain that no longer reaches it, or reaches it with another hash, was cut or rewritten — even by
     * someone holding the key, and even to an older head they had saved.
     */
    public record Checkpoint(long seq, String hash) {
    }

    private AuditChain() {
    }

    public static AuditEntry link(long seq, AuditRecord record, String prevHash) {
        return new AuditEntry(seq, record, prevHash, hash(seq, record, prevHash));
    }

    /** The next entry of the chain, sealed with {@code seal}. */
    public static AuditEntry link(long seq, AuditRecord record, String prevHash, AuditSeal seal) {
        String hash = hash(seq, record, prevHash);
        return new AuditEntry(seq, record, prevHash, hash, seal.mac(seq, hash));
    }

    /** Copied, never used: a copy skips the provider lookup that every hash would otherwise repeat. */
    private static final MessageDigest SHA_256 = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    public static String hash(long seq, AuditRecord record, String prevHash) {
        MessageDigest digest = sha256();
        digest.update(prevHash.getBytes(StandardCharsets.US_ASCII));
        digest.update(ByteBuffer.allocate(8).putLong(seq).array());
        field(digest, record.at() == null ? "" : record.at().toString());
        field(digest, record.actorUserId());
        field(digest, record.actorName());
        field(digest, record.actorRole());
        field(digest, record.action());
        field(digest, record.resourceId());
        field(digest, record.severity());
        field(digest, record.reason());
        digest.update(ByteBuffer.allocate(4).putInt(record.details().size()).array());
        for (Map.Entry<String, String> e : record.details().entrySet()) {
            field(digest, e.getKey());
            field(digest, e.getValue());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void field(MessageDigest digest, String value) {
        if (value == null) {
            digest.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    /**
     * Verifies the chain (see {@link #verify(Iterable, Head)}), then its seals: every entry after the first sealed one
     * must carry a valid seal (a chain that was sealed cannot quietly become unsealed), and so must the head; then the
     * checkpoints recorded outside the database: the chain must still hold each one, with the same hash.
     */
    public static Report verify(List<AuditEntry> entries, Head head, AuditSeal seal, List<Checkpoint> checkpoints) {
        Report chain = verify(entries, head);
        if (!chain.intact()) {
            return chain;
        }
        boolean sealed = false;
        for (AuditEntry entry : entries) {
            sealed |= entry.mac() != null;
            if (sealed && !seal.seals(entry.seq(), entry.hash(), entry.mac())) {
                return new Report(false, chain.entries(), entry.seq(), "entry " + entry.seq() + " does not carry the audit key's seal"
                        + " (rewritten by someone without the key, or written under another key)");
            }
        }
        if ((sealed || head.mac() != null) && !seal.seals(head.seq(), head.hash(), head.mac())) {
            return new Report(false, chain.entries(), head.seq() + 1, "the chain head does not carry the audit key's seal"
                    + " (entries were cut from the end and the head rewritten)");
        }
        for (Checkpoint checkpoint : checkpoints) {
            if (checkpoint.seq() > head.seq()) {
                return new Report(false, chain.entries(), head.seq() + 1, "the chain ends at entry " + head.seq() + " but a checkpoint kept"
                        + " outside the database saw entry " + checkpoint.seq() + " (entries were cut from the end)");
            }
            if (checkpoint.seq() > 0 && !entries.get((int) checkpoint.seq() - 1).hash().equals(checkpoint.hash())) {
                return new Report(false, chain.entries(), checkpoint.seq(), "entry " + checkpoint.seq() + " differs from the checkpoint kept"
                        + " outside the database (the chain was rewritten from there on)");
            }
        }
        return chain;
    }

    /** Verifies {@code entries} (in sequence order) against each other and against the stored {@code head}. */
    public static Report verify(Iterable<AuditEntry> entries, Head head) {
        long expectedSeq = 1;
        String prev = GENESIS;
        long count = 0;
        for (AuditEntry entry : entries) {
            if (entry.seq() != expectedSeq) {
                return new Report(false, count, expectedSeq, "entry " + expectedSeq + " is missing (deleted or reordered)");
            }
            if (!entry.prevHash().equals(prev)) {
                return new Report(false, count, entry.seq(), "entry " + entry.seq() + " does not follow its predecessor (swapped or reordered)");
            }
            if (!hash(entry.seq(), entry.record(), entry.prevHash()).equals(entry.hash())) {
                return new Report(false, count, entry.seq(), "entry " + entry.seq() + " was changed after it was written");
            }
            prev = entry.hash();
            expectedSeq++;
            count++;
        }
        if (head.seq() != count || !head.hash().equals(prev)) {
            return new Report(false, count, count + 1, "the chain ends at entry " + count + " but its head names entry " + head.seq()
                    + " (entries were cut from the end, or the head was altered)");
        }
        return Report.ok(count);
    }
}
