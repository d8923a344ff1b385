package org.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.baton.core.Fixture.CHEN;
import static org.baton.core.Fixture.JOHNSON;
import static org.baton.core.Fixture.SHARMA;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rule a guarded save applies: only the live lease of the caller, with its own fencing token, may write. */
class LeaseVerificationTest {
    final Fixture f = new Fixture();
    final LockMachine machine = new LockMachine(PolicyBook.of(LockPolicy.defaults()));

    @Test
    void theHoldersLiveLease_isValid_andCarriesItsFence() {
        Lease lease = f.acquire(SHARMA);
        LeaseVerdict verdict = machine.verifyLease(f.state(), lease.leaseId(), "sharma", lease.fencingToken(), f.clock.instant());
        assertThat(verdict.isValid()).isTrue();
        assertThat(verdict.lease().fencingToken()).isEqualTo(lease.fencingToken());
    }

    @Test
    void noLease_orSomeoneElsesLease_isNotTheHolder() {
        Lease lease = f.acquire(SHARMA);
        assertThat(machine.verifyLease(f.state(), null, "chen", null, f.clock.instant()).refusal()).isEqualTo(RefusalCode.NOT_LOCK_HOLDER);
        assertThat(machine.verifyLease(f.state(), lease.leaseId(), "chen", null, f.clock.instant()).refusal())
                .as("a lease id is not a bearer token").isEqualTo(RefusalCode.NOT_LOCK_HOLDER);
    }

    @Test
    void aLeaseThatLapsedWhileNobodyLooked_isExpired() {
        Lease lease = f.acquire(SHARMA);
        LockState asStored = f.state();
        f.advance(Duration.ofMinutes(6));
        assertThat(machine.verifyLease(asStored, lease.leaseId(), "sharma", null, f.clock.instant()).refusal())
                .as("the stored state still names the lease").isEqualTo(RefusalCode.LEASE_EXPIRED);
        assertThat(machine.verifyLease(f.state(), lease.leaseId(), "sharma", lease.fencingToken(), f.clock.instant()).refusal())
                .as("already settled: the fence says it was the last grant").isEqualTo(RefusalCode.LEASE_EXPIRED);
    }

    @Test
    void aDisplacedHolder_presentingTheOldFence_isStale() {
        Lease old = f.acquire(SHARMA);
        f.run(new Command.EmergencyTakeover(JOHNSON, "patient deteriorating"));
        assertThat(machine.verifyLease(f.state(), old.leaseId(), "sharma", old.fencingToken(), f.clock.instant()).refusal())
                .isEqualTo(RefusalCode.STALE_FENCING_TOKEN);
        Lease mine = f.state().holder();
        assertThat(machine.verifyLease(f.state(), mine.leaseId(), "johnson", old.fencingToken(), f.clock.instant()).refusal())
                .as("the right lease with a wrong fence is refused too").isEqualTo(RefusalCode.STALE_FENCING_TOKEN);
        assertThat(machine.verifyLease(f.state(), null, "chen", null, f.clock.instant()).refusal()).isEqualTo(RefusalCode.NOT_LOCK_HOLDER);
        assertThat(CHEN.userId()).isEqualTo("chen");
    }
}
