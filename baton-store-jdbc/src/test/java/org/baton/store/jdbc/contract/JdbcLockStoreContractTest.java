package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.baton.core.bus.BusMessage;
import org.baton.core.store.LockStore;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.JdbcLockStore;
import org.baton.store.tck.LockStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The lock store passes the store contract on SQLite and on PostgreSQL, including fences that survive a reopen. */
@ParameterizedClass
@EnumSource(Backend.class)
class JdbcLockStoreContractTest extends LockStoreContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;
    private Consumer<BusMessage> announcements;

    @Override
    protected LockStore newStore(Consumer<BusMessage> announcements) {
        this.announcements = announcements;
        opened = backend.open(dir);
        return store(opened.first());
    }

    private JdbcLockStore store(Database db) {
        return new JdbcLockStore(db, EventJournal.NONE, (connection, message) -> Database.afterCommit(() -> announcements.accept(message)));
    }

    @Override
    protected LockStore reopen(LockStore current) {
        return store(opened.reopen());
    }

    @Override
    protected LockStore sameData(LockStore first) {
        return store(opened.second());
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
