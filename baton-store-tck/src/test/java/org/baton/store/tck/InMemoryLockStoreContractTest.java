package org.baton.store.tck;

import java.util.function.Consumer;
import org.baton.core.bus.BusMessage;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.store.LockStore;

/** The in-memory store passes the same contract as the durable ones (its "same data" is the same object). */
class InMemoryLockStoreContractTest extends LockStoreContract {
    @Override
    protected LockStore newStore(Consumer<BusMessage> announcements) {
        return new InMemoryLockStore(announcements);
    }

    @Override
    protected LockStore sameData(LockStore first) {
        return first;
    }
}
