package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.Lease;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.Outcome;
import org.baton.core.PolicyBook;
import org.baton.core.RefusalCode;
import org.baton.core.ResourceId;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditTrail;
import org.baton.core.record.Draft;
import org.baton.core.record.DraftStore;
import org.baton.core.record.RecordStore;
import org.baton.core.record.SaveRequest;
import org.baton.core.record.SaveResult;
import org.baton.core.record.VersionedRecord;
import org.baton.core.store.LockStore;
import org.baton.core.time.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of every {@link RecordStore}: versions and history; a guarded save checks the version and the
 * caller's lease (with the core's rule) in the same atomic step as the write and deletes the saver's draft; and a
 * save racing a takeover on another instance never commits with the displaced holder's fence.
 */
public abstract class RecordStoreContract {
    protected static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    protected static final ResourceId MAIN = ResourceId.parse("patient:p1");
    protected static final Actor SHARMA = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "s1");
    protected static final Actor OKAFOR = new Actor("okafor", "Nurse Grace Okafor", List.of("attending"), "s2");

    /** The stores a guarded save spans, over one set of data, and the audit trail its entries go to. */
    public record Stores(LockStore locks, RecordStore records, DraftStore drafts, AuditTrail audit) {
    }

    protected Stores stores;
    protected final ManualClock clock = new ManualClock(NOW);

    protected abstract Stores newStores();

    /** A second set of store objects over the same data, as a second instance would open them. */
    protected abstract Stores sameData(Stores first);

    @BeforeEach
    void createStores() {
        stores = newStores();
    }

    private LockCoordinator coordinator(Stores on) {
        return new LockCoordinator(on.locks(), PolicyBook.of(LockPolicy.defaults()), clock, LockCoordinator.randomIds());
    }

    private static VersionedRecord first(String id) {
        return new VersionedRecord("patient", id, 1, Map.of("name", "Ada", "ward", "4B"), NOW, "sharma", null, null);
    }

    private SaveResult save(Stores on, LockCoordinator locks, long expected, Map<String, Object> fields, Lease lease, Actor by) {
        return save(on, locks, expected, fields, lease, by, audited(by));
    }

    private SaveResult save(Stores on, LockCoordinator locks, long expected, Map<String, Object> fields, Lease lease, Actor by,
                            RecordStore.SaveAudit audit) {
        return on.records().save(new SaveRequest("patient", "p1", expected, fields, MAIN, by.userId(), clock.instant()),
                state -> locks.verifyLease(state, lease == null ? "none" : lease.leaseId(), by.userId(), lease == null ? null : lease.fencingToken()),
                audit);
    }

    /** The entry the server writes for a version: {@code RECORD_CREATED} or {@code RECORD_SAVED}, with the version. */
    private RecordStore.SaveAudit audited(Actor by) {
        return written -> new AuditRecord(clock.instant(), by.userId(), by.name(), "attending", written.version() == 1 ? "RECORD_CREATED" : "RECORD_SAVED",
                written.type() + ":" + written.id(), "INFO", null, Map.of("version", Long.toString(written.version())));
    }

    /** An entry the trail cannot take (an audit entry needs an action). */
    private RecordStore.SaveAudit unwritable() {
        return written -> new AuditRecord(clock.instant(), "sharma", "Dr. Priya Sharma", "attending", null, written.type() + ":" + written.id(),
                "INFO", null, Map.of());
    }

    /** p1 created, a draft of Sharma's on it, and Sharma holding its lock. */
    private Lease heldBySharma_withHerDraft(LockCoordinator locks) {
        create(stores, first("p1"));
        stores.drafts().put(new Draft("sharma", MAIN, "{}", 1L, NOW, "s1"));
        return granted(locks, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
    }

    private boolean create(Stores on, VersionedRecord first) {
        return on.records().create(first, audited(SHARMA));
    }

    private List<String> savesInTheTrail(Stores on) {
        return on.audit().search(new AuditQuery(null, null, null, null, null, 0, 100)).stream()
                .filter(e -> e.record().action() != null && e.record().action().startsWith("RECORD_"))
                .map(e -> e.record().action() + " " + e.record().resourceId() + " v" + e.record().details().get("version")).toList().reversed();
    }

    private static Lease granted(LockCoordinator locks, Command command) {
        return ((Outcome.Granted) locks.apply(MAIN, command).outcome()).lease();
    }

    @Test
    void create_get_list_count_andDuplicates() {
        assertThat(create(stores, first("p1"))).isTrue();
        assertThat(create(stores, first("p1"))).isFalse();
        assertThat(create(stores, first("p2"))).isTrue();
        assertThat(stores.records().get("patient", "p1")).contains(first("p1"));
        assertThat(stores.records().count("patient")).isEqualTo(2);
        assertThat(stores.records().list("patient", 0, 1)).hasSize(1);
        assertThat(stores.records().get("patient", "nobody")).isEmpty();
        assertThat(stores.records().history("patient", "p1")).containsExactly(first("p1"));
    }

    @Test
    void save_withTheLiveLease_writesTheNextVersion_recordsTheFence_andDropsTheDraft() {
        LockCoordinator locks = coordinator(stores);
        Lease lease = heldBySharma_withHerDraft(locks);
        SaveResult result = save(stores, locks, 1, Map.of("name", "Ada L."), lease, SHARMA);
        assertThat(result).isInstanceOf(SaveResult.Saved.class);
        VersionedRecord saved = ((SaveResult.Saved) result).record();
        assertThat(saved.version()).isEqualTo(2);
        assertThat(saved.fencingToken()).isEqualTo(lease.fencingToken());
        assertThat(stores.records().version("patient", "p1", 2)).contains(saved);
        assertThat(stores.records().history("patient", "p1")).hasSize(2);
        assertThat(stores.drafts().get("sharma", MAIN)).as("a saved draft is gone").isEmpty();
    }

    @Test
    void save_refusals_writeNothing() {
        LockCoordinator locks = coordinator(stores);
        create(stores, first("p1"));
        assertThat(save(stores, locks, 1, Map.of("name", "x"), null, SHARMA)).isEqualTo(new SaveResult.LeaseRefused(RefusalCode.NOT_LOCK_HOLDER));
        Lease lease = granted(locks, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        assertThat(save(stores, locks, 7, Map.of("name", "x"), lease, SHARMA)).isEqualTo(new SaveResult.VersionConflict(first("p1")));
        assertThat(stores.records().save(new SaveRequest("patient", "ghost", 1, Map.of(), MAIN, "sharma", NOW), state -> null, audited(SHARMA)))
                .isEqualTo(new SaveResult.Missing());
        assertThat(stores.records().history("patient", "p1")).hasSize(1);
        assertThat(create(stores, first("p1"))).as("a duplicate").isFalse();
        assertThat(savesInTheTrail(stores)).as("only the creation is in the trail").containsExactly("RECORD_CREATED patient:p1 v1");
    }

    @Test
    void aWrittenVersion_andItsAuditEntry_areCommittedTogether() {
        LockCoordinator locks = coordinator(stores);
        create(stores, first("p1"));
        Lease lease = granted(locks, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        assertThat(save(stores, locks, 1, Map.of("name", "Ada L."), lease, SHARMA)).isInstanceOf(SaveResult.Saved.class);
        assertThat(savesInTheTrail(stores)).containsExactly("RECORD_CREATED patient:p1 v1", "RECORD_SAVED patient:p1 v2");
        assertThat(stores.audit().verify().intact()).isTrue();
    }

    /**
     * When the version's audit entry cannot be written, the version is not written either: no record changed without
     * its entry, and the failure reaches the caller (who was not told it saved).
     */
    @Test
    void anAuditEntryThatCannotBeWritten_undoesTheWholeSave() {
        LockCoordinator locks = coordinator(stores);
        Lease lease = heldBySharma_withHerDraft(locks);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> save(stores, locks, 1, Map.of("name", "Ada L."), lease, SHARMA, unwritable()))
                .isInstanceOf(RuntimeException.class);
        assertThat(stores.records().get("patient", "p1").orElseThrow().version()).isEqualTo(1);
        assertThat(stores.records().history("patient", "p1")).hasSize(1);
        assertThat(stores.drafts().get("sharma", MAIN)).as("the draft is kept").isPresent();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stores.records().create(first("p2"), unwritable())).isInstanceOf(RuntimeException.class);
        assertThat(stores.records().get("patient", "p2")).as("a creation without its entry").isEmpty();
        assertThat(savesInTheTrail(stores)).containsExactly("RECORD_CREATED patient:p1 v1");
        assertThat(save(stores, locks, 1, Map.of("name", "Ada L."), lease, SHARMA)).as("the next save is whole").isInstanceOf(SaveResult.Saved.class);
        assertThat(savesInTheTrail(stores)).containsExactly("RECORD_CREATED patient:p1 v1", "RECORD_SAVED patient:p1 v2");
    }

    /**
     * Sharma saves over and over on one instance while Okafor takes the record over in an emergency on another: the
     * history's fences never go back (no save under Sharma's fence lands after Okafor's grant), and Sharma's saves
     * after the takeover are refused.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSaveRacingATakeoverOnAnotherInstance_neverCommitsWithAStaleFence() throws Exception {
        Stores other = sameData(stores);
        LockCoordinator here = coordinator(stores);
        LockCoordinator there = coordinator(other);
        create(stores, first("p1"));
        Lease sharmas = granted(here, new Command.Acquire(SHARMA, Command.IfHeld.DENY));
        AtomicInteger saves = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<SaveResult> refusals = new ArrayList<>();
        try {
            Future<?> saver = pool.submit(() -> {
                while (true) {
                    long current = stores.records().get("patient", "p1").orElseThrow().version();
                    SaveResult result = save(stores, here, current, Map.of("name", "Ada " + current), sharmas, SHARMA);
                    if (result instanceof SaveResult.LeaseRefused) {
                        refusals.add(result);
                        return null;
                    }
                    saves.incrementAndGet();
                }
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> saves.get() >= 3);
            Lease okafors = granted(there, new Command.EmergencyTakeover(OKAFOR, "patient deteriorating"));
            saver.get(30, TimeUnit.SECONDS);
            long current = other.records().get("patient", "p1").orElseThrow().version();
            assertThat(save(other, there, current, Map.of("name", "Ada (Okafor)"), okafors, OKAFOR)).isInstanceOf(SaveResult.Saved.class);
            List<Long> fences = stores.records().history("patient", "p1").stream().skip(1).map(VersionedRecord::fencingToken).toList();
            assertThat(fences).as("fences in version order").isSorted().contains(sharmas.fencingToken(), okafors.fencingToken());
            assertThat(refusals).singleElement().isIn(new SaveResult.LeaseRefused(RefusalCode.NOT_LOCK_HOLDER),
                    new SaveResult.LeaseRefused(RefusalCode.STALE_FENCING_TOKEN), new SaveResult.LeaseRefused(RefusalCode.LEASE_EXPIRED));
        } finally {
            pool.shutdownNow();
        }
    }
}
