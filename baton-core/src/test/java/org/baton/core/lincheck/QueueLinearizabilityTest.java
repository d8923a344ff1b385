package org.baton.core.lincheck;

import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.ResourceId;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck (issue 16): the wait queue of one resource is linearizable. Acquiring with a place in line, joining,
 * leaving the line, leaving the resource (the holder's release hands the lock to the first waiter) and claiming an
 * offered turn, from three users, interleave into results a sequential order explains: FIFO hand-over, a bounded
 * line (two places), one offer at a time.
 */
@Param(name = "user", gen = IntGen.class, conf = "0:2")
public class QueueLinearizabilityTest {
    private static final ResourceId RESOURCE = LockLinearizability.RESOURCES.get(0);
    private final LockCoordinator locks = LockLinearizability.coordinator(Boolean.getBoolean("baton.lincheck.autoAcquire"));

    @Operation
    public String acquireOrQueue(@Param(name = "user") int user) {
        return run(new Command.Acquire(LockLinearizability.USERS.get(user), Command.IfHeld.QUEUE));
    }

    @Operation
    public String joinQueue(@Param(name = "user") int user) {
        return run(new Command.JoinQueue(LockLinearizability.USERS.get(user)));
    }

    @Operation
    public String leaveQueue(@Param(name = "user") int user) {
        return run(new Command.LeaveQueue(LockLinearizability.USERS.get(user)));
    }

    @Operation
    public String leave(@Param(name = "user") int user) {
        return run(new Command.Leave(LockLinearizability.USERS.get(user)));
    }

    @Operation
    public String claim(@Param(name = "user") int user) {
        return run(new Command.Claim(LockLinearizability.USERS.get(user)));
    }

    @Operation
    public String state() {
        return LockLinearizability.describe(locks.read(RESOURCE));
    }

    private String run(Command command) {
        return LockLinearizability.describe(locks.apply(RESOURCE, command).outcome());
    }

    @Test
    void modelChecking() {
        long start = System.nanoTime();
        new ModelCheckingOptions().iterations(LockLinearizability.MODEL_ITERATIONS).invocationsPerIteration(LockLinearizability.INVOCATIONS)
                .threads(2).actorsPerThread(3).actorsBefore(2).actorsAfter(1).check(getClass());
        System.out.printf("lincheck queue (model checking): linearizable in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void stress() {
        long start = System.nanoTime();
        new StressOptions().iterations(LockLinearizability.STRESS_ITERATIONS).invocationsPerIteration(LockLinearizability.INVOCATIONS * 10)
                .threads(3).actorsPerThread(2).check(getClass());
        System.out.printf("lincheck queue (stress): linearizable in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
}
