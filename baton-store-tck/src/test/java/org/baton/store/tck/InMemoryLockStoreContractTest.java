package org.baton.store.tck;

import org.baton.core.store.InMemoryLockStore;
import org.baton.core.store.LockStore;

/** The in-memory store passes the same contract as the durable ones. */
class InMemoryLockStoreContractTest extends LockStoreContract {
    @Override
    protected LockStore newStore() {
        return new InMemoryLockStore();
    }
}
