package org.baton.store.jdbc.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.baton.core.Actor;
import org.baton.core.Lease;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.baton.core.store.HolderGuard;
import org.baton.core.store.LockStore;
import org.baton.core.store.Versioned;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.JdbcLockStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JDBC lock store against a simple sequential model, under concurrent operations (issue 16, item 3): four threads
 * on two store objects over the same database load and compare-and-set three resources at random, each write toggling
 * the state (a free resource is granted to the writer with the next fence; a held one is released). The recorded
 * history must be explained by a sequential map of versioned states: per resource the successful writes form one
 * chain (each expected version won by exactly one writer), each write is the model's next state of the state at its
 * expected version (the writer read a state the store really had), every load returns the model's state at its
 * version, a refused write's version was really taken by another writer, fences only grow, and the final state, also
 * after a reopen, is the model's last one.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class JdbcLockStoreModelTest {
    static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    static final List<ResourceId> RESOURCES = List.of(ResourceId.parse("patient:m1"), ResourceId.parse("patient:m2"), ResourceId.parse("doc:m3"));
    static final int THREADS = 4;
    static final int OPERATIONS = 80;

    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    /** One operation as it returned: a load (its version and state) or a write (its expected version, its state, its result). */
    record Op(ResourceId resource, boolean write, long version, LockState state, LockStore.CasResult result) {
    }

    /** The model's one transition: grant a free resource to {@code actor} with the next fence, release a held one. */
    static LockState toggle(LockState current, Actor actor) {
        if (current.holder() == null) {
            long fence = current.lastFence() + 1;
            Lease lease = new Lease(current.resourceId(), "lease-" + current.resourceId() + "-" + fence, fence, actor, NOW, NOW.plusSeconds(300),
                    NOW.plusSeconds(1800), NOW, false, null);
            return new LockState(current.resourceId(), lease, List.of(), null, List.of(), List.of(), null, fence, null, null, List.of());
        }
        return new LockState(current.resourceId(), null, List.of(), null, List.of(), List.of(), null, current.lastFence(), null, null, List.of());
    }

    private JdbcLockStore store(Database db) {
        return new JdbcLockStore(db, EventJournal.NONE, (connection, message) -> { });
    }

    @AfterEach
    void close() {
        opened.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentLoadsAndWrites_areExplainedByTheSequentialModel() throws Exception {
        opened = backend.open(dir);
        List<LockStore> stores = List.of(store(opened.first()), store(opened.second()));
        ConcurrentLinkedQueue<Op> history = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                LockStore store = stores.get(t % 2);
                Actor actor = new Actor("user" + t, "User " + t, List.of("nurse"), "session" + t);
                threads.add(pool.submit(() -> {
                    for (int i = 0; i < OPERATIONS; i++) {
                        ResourceId id = RESOURCES.get(ThreadLocalRandom.current().nextInt(RESOURCES.size()));
                        Versioned<LockState> read = store.load(id);
                        history.add(new Op(id, false, read.version(), read.value(), null));
                        if (ThreadLocalRandom.current().nextInt(3) > 0) {
                            LockState next = toggle(read.value(), actor);
                            history.add(new Op(id, true, read.version(), next, store.compareAndSet(id, read.version(), next, HolderGuard.NONE)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> thread : threads) {
                thread.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        int loads = 0;
        int written = 0;
        int conflicts = 0;
        int violations = 0;
        List<String> problems = new ArrayList<>();
        Map<ResourceId, List<LockState>> chains = new HashMap<>();
        for (ResourceId id : RESOURCES) {
            List<Op> writes = history.stream().filter(op -> op.resource().equals(id) && op.write() && op.result() == LockStore.CasResult.WRITTEN)
                    .sorted(java.util.Comparator.comparingLong(Op::version)).toList();
            // the model: state i is the state at version i; each successful write must start from the one before it
            List<LockState> model = new ArrayList<>(List.of(LockState.initial(id)));
            for (int v = 0; v < writes.size(); v++) {
                Op write = writes.get(v);
                if (write.version() != v) {
                    problems.add(id + ": the writes' expected versions are not one chain at " + v + " (" + write.version() + ")");
                    break;
                }
                if (!write.state().equals(toggle(model.get(v), write.state().holder() == null ? null : write.state().holder().holder()))) {
                    problems.add(id + ": version " + (v + 1) + " is not the model's next state of version " + v);
                }
                if (write.state().lastFence() < model.get(v).lastFence()) {
                    problems.add(id + ": the fence went back at version " + (v + 1));
                }
                model.add(write.state());
            }
            chains.put(id, model);
            Set<Long> taken = writes.stream().map(Op::version).collect(Collectors.toSet());
            for (Op op : history) {
                if (!op.resource().equals(id)) {
                    continue;
                }
                if (!op.write()) {
                    loads++;
                    if (op.version() >= model.size() || !model.get((int) op.version()).equals(op.state())) {
                        problems.add(id + ": a load returned version " + op.version() + " with a state the model never had there");
                    }
                } else if (op.result() == LockStore.CasResult.WRITTEN) {
                    written++;
                } else {
                    conflicts++;
                    if (op.result() != LockStore.CasResult.VERSION_CONFLICT || !taken.contains(op.version())) {
                        problems.add(id + ": a write on version " + op.version() + " was refused (" + op.result() + ") though nobody wrote it");
                    }
                }
            }
            Versioned<LockState> last = stores.get(1).load(id);
            if (last.version() != model.size() - 1 || !last.value().equals(model.get(model.size() - 1))) {
                problems.add(id + ": the final state is not the model's last one");
            }
        }
        LockStore reopened = store(opened.reopen());
        for (ResourceId id : RESOURCES) {
            List<LockState> model = chains.get(id);
            if (!reopened.load(id).equals(new Versioned<>(model.size() - 1, model.get(model.size() - 1)))) {
                problems.add(id + ": after a reopen the state is not the model's last one");
            }
        }
        violations = problems.size();
        System.out.printf("lock store model (%s): %d threads on 2 store objects, %d loads, %d writes, %d version conflicts;"
                + " %d violations of the sequential model%n", backend, THREADS, loads, written, conflicts, violations);
        assertThat(problems).as("violations of the sequential model").isEmpty();
        assertThat(written).as("writes happened").isGreaterThan(RESOURCES.size());
    }
}
