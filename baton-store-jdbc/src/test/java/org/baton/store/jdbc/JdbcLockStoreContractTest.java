package org.baton.store.jdbc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.store.LockStore;
import org.baton.store.tck.LockStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The embedded-database store passes the store contract, including fences that survive a reopen. */
class JdbcLockStoreContractTest extends LockStoreContract {
    @TempDir
    Path dir;
    private final List<Database> opened = new ArrayList<>();

    @Override
    protected LockStore newStore() {
        Database db = Database.open(dir);
        opened.add(db);
        return new JdbcLockStore(db);
    }

    @Override
    protected LockStore reopen(LockStore current) {
        opened.forEach(Database::close);
        return newStore();
    }

    @AfterEach
    void close() {
        opened.forEach(Database::close);
    }
}
