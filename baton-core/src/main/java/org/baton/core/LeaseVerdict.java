package org.baton.core;

/**
 * The answer of {@link LockMachine#verifyLease}: either the caller's live lease (whose fencing token the write
 * records), or why the write must be refused. A record save maps every refusal to 423 Locked.
 */
public record LeaseVerdict(Lease lease, RefusalCode refusal) {
    public static LeaseVerdict valid(Lease lease) {
        return new LeaseVerdict(lease, null);
    }

    public static LeaseVerdict refused(RefusalCode code) {
        return new LeaseVerdict(null, code);
    }

    public boolean isValid() {
        return refusal == null;
    }
}
