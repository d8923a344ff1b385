package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import org.baton.core.audit.AuditTrail;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.store.tck.AuditTrailContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class JdbcAuditTrailContractTest extends AuditTrailContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @Override
    protected AuditTrail newTrail() {
        opened = backend.open(dir);
        return new JdbcAuditTrail(opened.first());
    }

    @Override
    protected AuditTrail sameData(AuditTrail first) {
        return new JdbcAuditTrail(opened.second());
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
