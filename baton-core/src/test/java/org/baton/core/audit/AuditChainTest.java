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

    // ---- the keyed seal and the checkpoints (issue 12 item 2) ---------------------------------------------------------

    static final AuditSeal SEAL = new AuditSeal("an-audit-key-of-at-least-32-characters".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    static List<AuditEntry> sealedChain(int n) {
        List<AuditEntry> entries = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            AuditEntry e = AuditChain.link(i, chain(n).get(i - 1).record(), prev, SEAL);
            entries.add(e);
            prev = e.hash();
        }
        return entries;
    }

    static AuditChain.Head sealedHead(List<AuditEntry> entries) {
        AuditEntry last = entries.get(entries.size() - 1);
        return new AuditChain.Head(last.seq(), last.hash(), SEAL.mac(last.seq(), last.hash()));
    }

    @Test
    void aSealedChain_verifies_withItsKeyAndCheckpoints() {
        List<AuditEntry> entries = sealedChain(12);
        var checkpoints = List.of(new AuditChain.Checkpoint(5, entries.get(4).hash()), new AuditChain.Checkpoint(12, entries.get(11).hash()));
        assertThat(AuditChain.verify(entries, sealedHead(entries), SEAL, checkpoints)).isEqualTo(AuditChain.Report.ok(12));
    }

    /** Someone who can write the database recomputes every hash after rewriting an entry: only the seal shows it. */
    @Test
    void aRewriteWithEveryHashRecomputed_isCaughtByTheSeal() {
        List<AuditEntry> entries = sealedChain(10);
        List<AuditEntry> forged = new ArrayList<>(entries.subList(0, 3));
        String prev = entries.get(2).hash();
        for (int i = 3; i < 10; i++) {
            AuditRecord r = entries.get(i).record();
            AuditRecord changed = i == 3 ? new AuditRecord(r.at(), r.actorUserId(), r.actorName(), r.actorRole(), r.action(), r.resourceId(),
                    r.severity(), "routine check", r.details()) : r;
            AuditEntry unsealed = AuditChain.link(i + 1, changed, prev);
            forged.add(new AuditEntry(unsealed.seq(), changed, unsealed.prevHash(), unsealed.hash(), entries.get(i).mac()));
            prev = unsealed.hash();
        }
        AuditEntry last = forged.get(9);
        var head = new AuditChain.Head(last.seq(), last.hash(), entries.get(9).mac());
        assertThat(AuditChain.verify(forged, head).intact()).as("the plain chain cannot tell").isTrue();
        var report = AuditChain.verify(forged, head, SEAL, List.of());
        assertThat(report.intact()).isFalse();
        assertThat(report.firstBadSeq()).isEqualTo(4);
        assertThat(report.problem()).contains("seal");
    }

    /** The tail is cut and the head set to the new last entry: the head's seal cannot be forged. */
    @Test
    void aCutTailWithARewrittenHead_isCaughtByTheHeadsSeal() {
        List<AuditEntry> entries = sealedChain(10).subList(0, 7);
        AuditEntry last = entries.get(6);
        var unsealedHead = new AuditChain.Head(last.seq(), last.hash(), null);
        assertThat(AuditChain.verify(entries, unsealedHead).intact()).as("the plain chain cannot tell").isTrue();
        assertThat(AuditChain.verify(entries, unsealedHead, SEAL, List.of()).problem()).contains("head");
    }

    /** Even with the key, putting back an older head cut from a saved copy is caught by a checkpoint kept outside. */
    @Test
    void aCutBackToAnOlderSealedHead_isCaughtByACheckpoint() {
        List<AuditEntry> full = sealedChain(10);
        List<AuditEntry> cut = full.subList(0, 6);
        var report = AuditChain.verify(cut, sealedHead(cut), SEAL, List.of(new AuditChain.Checkpoint(8, full.get(7).hash())));
        assertThat(report.intact()).isFalse();
        assertThat(report.problem()).contains("checkpoint");
        var rewritten = AuditChain.verify(cut, sealedHead(cut), SEAL, List.of(new AuditChain.Checkpoint(4, "0".repeat(64))));
        assertThat(rewritten.problem()).contains("differs from the checkpoint");
    }

    /** A trail written before sealing stays verifiable; once sealed, it cannot quietly become unsealed again. */
    @Test
    void legacyEntries_thenSealedOnes_verify_butADowngradeDoesNot() {
        List<AuditEntry> entries = new ArrayList<>(chain(4));
        String prev = entries.get(3).hash();
        for (int i = 5; i <= 8; i++) {
            AuditEntry e = AuditChain.link(i, chain(8).get(i - 1).record(), prev, SEAL);
            entries.add(e);
            prev = e.hash();
        }
        assertThat(AuditChain.verify(entries, sealedHead(entries), SEAL, List.of()).intact()).isTrue();
        AuditEntry sixth = entries.get(5);
        entries.set(5, new AuditEntry(sixth.seq(), sixth.record(), sixth.prevHash(), sixth.hash(), null));
        assertThat(AuditChain.verify(entries, sealedHead(entries), SEAL, List.of()).firstBadSeq()).isEqualTo(6);
    }
}
