package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import org.baton.store.jdbc.JdbcRecordStore;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.store.jdbc.audit.JdbcLockAnalytics;
import org.baton.store.tck.LockAnalyticsContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class JdbcLockAnalyticsContractTest extends LockAnalyticsContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @Override
    protected Stores newStores() {
        opened = backend.open(dir);
        JdbcAuditTrail trail = new JdbcAuditTrail(opened.first());
        return new Stores(trail, new JdbcLockAnalytics(opened.second()), new JdbcRecordStore(opened.first(), trail));
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
