package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.JdbcDraftStore;
import org.baton.store.jdbc.JdbcLockStore;
import org.baton.store.jdbc.JdbcRecordStore;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.store.tck.RecordStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class JdbcRecordStoreContractTest extends RecordStoreContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @Override
    protected Stores newStores() {
        opened = backend.open(dir);
        return on(opened.first());
    }

    @Override
    protected Stores sameData(Stores first) {
        return on(opened.second());
    }

    private static Stores on(Database db) {
        JdbcAuditTrail audit = new JdbcAuditTrail(db);
        return new Stores(new JdbcLockStore(db), new JdbcRecordStore(db, audit), new JdbcDraftStore(db), audit);
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
