package org.baton.core.audit;

import java.util.ArrayList;
import java.util.List;

/** An {@link AuditTrail} in memory, for tests and embedding without durability. */
public final class InMemoryAuditTrail implements AuditTrail {
    private final List<AuditEntry> entries = new ArrayList<>();
    private AuditChain.Head head = AuditChain.Head.EMPTY;

    @Override
    public synchronized List<AuditEntry> append(List<AuditRecord> records) {
        List<AuditEntry> appended = new ArrayList<>();
        for (AuditRecord record : records) {
            AuditEntry entry = AuditChain.link(head.seq() + 1, record, head.hash());
            entries.add(entry);
            head = new AuditChain.Head(entry.seq(), entry.hash());
            appended.add(entry);
        }
        return appended;
    }

    @Override
    public synchronized List<AuditEntry> search(AuditQuery query) {
        return entries.reversed().stream().filter(query::matches).skip(query.offset()).limit(query.limit()).toList();
    }

    @Override
    public synchronized AuditChain.Head head() {
        return head;
    }

    @Override
    public synchronized AuditChain.Report verify() {
        return AuditChain.verify(entries, head);
    }
}
