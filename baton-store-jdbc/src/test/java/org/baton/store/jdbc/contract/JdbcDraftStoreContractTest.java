package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import org.baton.core.record.DraftStore;
import org.baton.store.jdbc.JdbcDraftStore;
import org.baton.store.tck.DraftStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class JdbcDraftStoreContractTest extends DraftStoreContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @Override
    protected DraftStore newDraftStore() {
        opened = backend.open(dir);
        return new JdbcDraftStore(opened.first());
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
