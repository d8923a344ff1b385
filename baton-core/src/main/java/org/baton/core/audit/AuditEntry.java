package org.baton.core.audit;

/**
 * An audit record as stored: its gap-free sequence number, the hash of the entry before it, and its own hash over
 * both, so editing, deleting, reordering or truncating entries breaks the chain ({@link AuditChain#verify}).
 */
public record AuditEntry(long seq, AuditRecord record, String prevHash, String hash) {
}
