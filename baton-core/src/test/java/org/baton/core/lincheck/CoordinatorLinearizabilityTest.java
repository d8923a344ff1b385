package org.baton.core.lincheck;

import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck (issue 16): the coordinator over the in-memory store is linearizable. Every interleaving (model checking)
 * and real threads (stress) of acquire, leave and reads on two resources, by three users allowed one lock each, give
 * results some sequential order of the same operations gives too: no double grant, no fence reused or skipped out of
 * order, and the per-user limit (a count over OTHER resources taken in the same atomic step as the write, the place a
 * global counter beside per-key writes broke linearizability in an earlier design) never admits a second lock.
 */
@Param(name = "user", gen = IntGen.class, conf = "0:2")
@Param(name = "resource", gen = IntGen.class, conf = "0:1")
public class CoordinatorLinearizabilityTest {
    private final LockCoordinator locks = LockLinearizability.coordinator(true);

    @Operation
    public String acquire(@Param(name = "user") int user, @Param(name = "resource") int resource) {
        return LockLinearizability.describe(locks.apply(LockLinearizability.RESOURCES.get(resource),
                new Command.Acquire(LockLinearizability.USERS.get(user), Command.IfHeld.DENY)).outcome());
    }

    @Operation
    public String leave(@Param(name = "user") int user, @Param(name = "resource") int resource) {
        return LockLinearizability.describe(locks.apply(LockLinearizability.RESOURCES.get(resource),
                new Command.Leave(LockLinearizability.USERS.get(user))).outcome());
    }

    @Operation
    public String state(@Param(name = "resource") int resource) {
        return LockLinearizability.describe(locks.read(LockLinearizability.RESOURCES.get(resource)));
    }

    @Operation
    public int leasesHeld(@Param(name = "user") int user) {
        return (int) locks.active().stream().filter(s -> s.holder() != null
                && s.holder().holder().userId().equals(LockLinearizability.USERS.get(user).userId())).count();
    }

    @Test
    void modelChecking() {
        long start = System.nanoTime();
        new ModelCheckingOptions().iterations(LockLinearizability.MODEL_ITERATIONS).invocationsPerIteration(LockLinearizability.INVOCATIONS)
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(1).check(getClass());
        System.out.printf("lincheck coordinator (model checking): linearizable in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void stress() {
        long start = System.nanoTime();
        new StressOptions().iterations(LockLinearizability.STRESS_ITERATIONS).invocationsPerIteration(LockLinearizability.INVOCATIONS * 10)
                .threads(3).actorsPerThread(2).check(getClass());
        System.out.printf("lincheck coordinator (stress): linearizable in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
}
