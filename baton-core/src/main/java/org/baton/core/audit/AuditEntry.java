package org.baton.core.audit;

/**
 * An audit record as stored: its gap-free sequence number, the hash of the entry before it, and its own hash over
 * both, so editing, deleting, reordering or truncating entries breaks the chain ({@link AuditChain#verify}); and its
 * keyed seal ({@link AuditSeal}), which someone who can rewrite the database but lacks the key cannot forge.
 *
 * @param mac the entry's seal, or null for entries written before the chain was sealed
 */
public record AuditEntry(long seq, AuditRecord record, String prevHash, String hash, String mac) {
    /** An unsealed entry. */
    public AuditEntry(long seq, AuditRecord record, String prevHash, String hash) {
        this(seq, record, prevHash, hash, null);
    }
}
