package org.baton.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    static AuditRecord record(int i) {
        return new AuditRecord(Instant.parse("2026-01-13T09:00:00Z").plusSeconds(i), "user" + (i % 3), "User " + i, "nurse",
                i % 5 == 0 ? "TAKEOVER" : "LOCK_ACQUIRED", "catheter:" + i + ":main", i % 5 == 0 ? "HIGH" : "INFO",
                i % 5 == 0 ? "Emergency, \"code blue\"" : null, Map.of("fence", Integer.toString(i)));
    }

    static List<AuditEntry> chain(int n) {
        var trail = new InMemoryAuditTrail();
        List<AuditRecord> records = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            records.add(record(i));
        }
        return trail.append(records);
    }

    static AuditChain.Head headOf(List<AuditEntry> entries) {
        AuditEntry last = entries.get(entries.size() - 1);
        return new AuditChain.Head(last.seq(), last.hash());
    }

    @Test
    void intactChain_verifies() {
        List<AuditEntry> entries = chain(20);
        assertThat(AuditChain.verify(entries, headOf(entries))).isEqualTo(AuditChain.Report.ok(20));
        assertThat(AuditChain.verify(List.of(), AuditChain.Head.EMPTY).intact()).isTrue();
    }

    @Test
    void editedField_isDetected() {
        List<AuditEntry> entries = new ArrayList<>(chain(10));
        AuditEntry e = entries.get(4);
        AuditRecord r = e.record();
        entries.set(4, new AuditEntry(e.seq(), new AuditRecord(r.at(), r.actorUserId(), r.actorName(), r.actorRole(), r.action(),
                r.resourceId(), r.severity(), "a different reason", r.details()), e.prevHash(), e.hash()));
        var report = AuditChain.verify(entries, headOf(chain(10)));
        assertThat(report.intact()).isFalse();
        assertThat(report.firstBadSeq()).isEqualTo(5);
    }

    @Test
    void deletedEntry_isDetected() {
        List<AuditEntry> entries = new ArrayList<>(chain(10));
        AuditChain.Head head = headOf(entries);
        entries.remove(3);
        assertThat(AuditChain.verify(entries, head).firstBadSeq()).isEqualTo(4);
    }

    @Test
    void swappedEntries_areDetected() {
        List<AuditEntry> entries = new ArrayList<>(chain(10));
        AuditChain.Head head = headOf(entries);
        AuditEntry a = entries.get(2);
        AuditEntry b = entries.get(3);
        entries.set(2, new AuditEntry(3, b.record(), b.prevHash(), b.hash()));
        entries.set(3, new AuditEntry(4, a.record(), a.prevHash(), a.hash()));
        assertThat(AuditChain.verify(entries, head).intact()).isFalse();
    }

    @Test
    void truncatedTail_isDetected_byTheHead() {
        List<AuditEntry> entries = new ArrayList<>(chain(10));
        AuditChain.Head head = headOf(entries);
        var report = AuditChain.verify(entries.subList(0, 7), head);
        assertThat(report.intact()).isFalse();
        assertThat(report.problem()).contains("cut");
    }

    @Test
    void rehashedEditedEntry_breaksTheNextLink() {
        List<AuditEntry> entries = new ArrayList<>(chain(10));
        AuditEntry e = entries.get(4);
        AuditRecord r = e.record();
        AuditRecord forged = new AuditRecord(r.at(), "someone-else", r.actorName(), r.actorRole(), r.action(), r.resourceId(), r.severity(), r.reason(), r.details());
        entries.set(4, AuditChain.link(e.seq(), forged, e.prevHash()));
        var report = AuditChain.verify(entries, headOf(chain(10)));
        assertThat(report.intact()).isFalse();
        assertThat(report.firstBadSeq()).isEqualTo(6);
    }

    @Test
    void everyRandomSingleTampering_isDetected() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 500; round++) {
            List<AuditEntry> original = chain(random.nextInt(2, 30));
            AuditChain.Head head = headOf(original);
            List<AuditEntry> tampered = new ArrayList<>(original);
            int i = random.nextInt(tampered.size());
            AuditEntry e = tampered.get(i);
            switch (random.nextInt(4)) {
                case 0 -> tampered.remove(i);
                case 1 -> tampered.set(i, new AuditEntry(e.seq(), e.record(), e.prevHash(), flip(e.hash(), random)));
                case 2 -> {
                    AuditRecord r = e.record();
                    tampered.set(i, new AuditEntry(e.seq(), new AuditRecord(r.at().plusMillis(1), r.actorUserId(), r.actorName(),
                            r.actorRole(), r.action(), r.resourceId(), r.severity(), r.reason(), r.details()), e.prevHash(), e.hash()));
                }
                default -> tampered = tampered.subList(0, i);
            }
            assertThat(AuditChain.verify(tampered, head).intact()).as("seed %d round %d", seed, round).isFalse();
        }
    }

    private static String flip(String hex, SplittableRandom random) {
        int at = random.nextInt(hex.length());
        char c = hex.charAt(at) == '0' ? '1' : '0';
        return hex.substring(0, at) + c + hex.substring(at + 1);
    }
}
