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
import org.baton.core.Actor;
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

    Ratio durableVersusInMemory(Path dir, int threads, Duration duration) throws Exception {
        double memory = acquireRelease(new InMemoryLockStore(), threads, duration);
        try (Database database = Database.open(dir)) {
            double durable = acquireRelease(new JdbcLockStore(database), threads, duration);
            return new Ratio(memory, durable);
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
