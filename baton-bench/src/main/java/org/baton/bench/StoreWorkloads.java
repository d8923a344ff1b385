package org.baton.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Instant;
import java.util.ArrayList;
import org.baton.core.Actor;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.audit.AuditChain;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditSeal;
import org.baton.core.store.LockWrite;
import org.baton.core.store.Versioned;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.LockState;
import org.baton.core.Outcome;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceId;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.store.LockStore;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.JdbcLockStore;

/**
 * Workloads that need the stores themselves: durable versus in-memory lock throughput (the same coordinator, the same
 * threads, only the store differs), and a data directory with 100,000 held locks for the crash-recovery figure.
 */
final class StoreWorkloads {
    private static final PolicyBook POLICIES = PolicyBook.of(LockPolicy.defaults().withLimits(1_000_000, 0).withLeaseTtl(Duration.ofHours(1)));

    record Ratio(double inMemory, double durable) {
        double ratio() {
            return inMemory == 0 ? 0 : durable / inMemory;
        }
    }

    /**
     * Both sides write the decision's audit entries, chained and sealed: the in-memory store appends them to a chain
     * kept in memory under the store's lock, the durable store in the decision's transaction (as the server does).
     */
    Ratio durableVersusInMemory(Path dir, int threads, Duration duration) throws Exception {
        AuditSeal seal = new AuditSeal(new byte[32]);
        double memory = acquireRelease(new AuditedInMemory(new InMemoryLockStore(), seal), threads, duration);
        try (Database database = Database.open(dir)) {
            JdbcAuditTrail trail = new JdbcAuditTrail(database, seal, List::of);
            double durable = acquireRelease(new JdbcLockStore(database, (c, events) -> trail.appendIn(c, records(events)), Announcer.NONE),
                    threads, duration);
            return new Ratio(memory, durable);
        }
    }

    /** One audit record per event worth keeping (presence changes are not), as the server's recorder keeps them. */
    static List<AuditRecord> records(List<LockEvent> events) {
        Instant now = Instant.now();
        List<AuditRecord> records = new ArrayList<>();
        for (LockEvent e : events) {
            if (!(e instanceof LockEvent.PresenceChanged)) {
                records.add(new AuditRecord(now, "bench", "Bench", "nurse", e.getClass().getSimpleName(), e.resourceId().toString(), "INFO", null,
                        Map.of("session", "s-bench")));
            }
        }
        return records;
    }

    /** The in-memory store plus a sealed audit chain appended on every written decision, under one lock. */
    private static final class AuditedInMemory implements LockStore {
        private final InMemoryLockStore store;
        private final AuditSeal seal;
        private final List<AuditEntry> chain = new ArrayList<>();
        private String head = "";

        AuditedInMemory(InMemoryLockStore store, AuditSeal seal) {
            this.store = store;
            this.seal = seal;
        }

        @Override
        public Versioned<LockState> load(ResourceId id) {
            return store.load(id);
        }

        @Override
        public synchronized CasResult compareAndSet(ResourceId id, long expectedVersion, LockWrite write) {
            CasResult result = store.compareAndSet(id, expectedVersion, write);
            if (result == CasResult.WRITTEN) {
                journal(write.events());
            }
            return result;
        }

        @Override
        public synchronized void journal(List<LockEvent> events) {
            for (AuditRecord record : records(events)) {
                AuditEntry entry = AuditChain.link(chain.size() + 1, record, head, seal);
                chain.add(entry);
                head = entry.hash();
            }
        }

        @Override
        public List<LockState> activeStates() {
            return store.activeStates();
        }

        @Override
        public List<Lease> leasesHeldBy(String userId) {
            return store.leasesHeldBy(userId);
        }

        @Override
        public int forgetIdleBefore(Instant cutoff) {
            return store.forgetIdleBefore(cutoff);
        }

        @Override
        public void reschedule(ResourceId id, long version, Instant nextDeadline) {
            store.reschedule(id, version, nextDeadline);
        }

        @Override
        public List<ResourceId> due(Instant now, int limit) {
            return store.due(now, limit);
        }
    }

    private static double acquireRelease(LockStore store, int threads, Duration duration) throws Exception {
        LockCoordinator locks = new LockCoordinator(store, POLICIES, InstantSource.system(), LockCoordinator.randomIds());
        AtomicLong ops = new AtomicLong();
        for (Duration d : List.of(Duration.ofSeconds(1), duration)) {
            boolean measured = d == duration;
            long end = System.nanoTime() + d.toNanos();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        Actor actor = new Actor("u" + thread, "User " + thread, List.of("nurse"), "s" + thread);
                        long n = 0;
                        while (System.nanoTime() < end) {
                            ResourceId id = ResourceId.parse("bench:t" + thread + "-" + (n++ % 64));
                            if (locks.apply(id, new Command.Acquire(actor, Command.IfHeld.DENY)).outcome() instanceof Outcome.Granted granted) {
                                locks.apply(id, new Command.Release(actor, granted.lease().leaseId(), null));
                                if (measured) {
                                    ops.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    });
                }
            }
        }
        return ops.get() / (duration.toNanos() / 1e9);
    }

    /** Fills {@code dir} with {@code count} held locks (64 writers, group-committed); returns resource → fencing token. */
    Map<String, Long> populate(Path dir, int count) throws Exception {
        Map<String, Long> fences = new ConcurrentHashMap<>();
        try (Database database = Database.open(dir)) {
            LockCoordinator locks = new LockCoordinator(new JdbcLockStore(database), POLICIES, InstantSource.system(),
                    LockCoordinator.randomIds());
            AtomicInteger next = new AtomicInteger();
            try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
                for (int t = 0; t < 64; t++) {
                    pool.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < count) {
                            Actor actor = new Actor("crash" + (i % 1000), "Crash " + i, List.of("nurse"), "s-crash-" + (i % 1000));
                            ResourceId id = ResourceId.parse("bench:crash-" + i);
                            if (locks.apply(id, new Command.Acquire(actor, Command.IfHeld.DENY)).outcome() instanceof Outcome.Granted g) {
                                fences.put(id.toString(), g.lease().fencingToken());
                            }
                        }
                        return null;
                    });
                }
            }
        }
        return fences;
    }

    /** How many of {@code expected} are still held with the same fencing token in {@code dir}. */
    int matching(Path dir, Map<String, Long> expected) {
        try (Database database = Database.open(dir)) {
            int matched = 0;
            for (LockState state : new JdbcLockStore(database).activeStates()) {
                Long fence = expected.get(state.resourceId().toString());
                if (fence != null && state.holder() != null && state.holder().fencingToken() == fence) {
                    matched++;
                }
            }
            return matched;
        }
    }
}
