package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import org.baton.core.cluster.InstanceRegistry;
import org.baton.core.session.SessionStore;
import org.baton.store.jdbc.cluster.JdbcInstanceRegistry;
import org.baton.store.jdbc.cluster.JdbcSessionStore;
import org.baton.store.tck.SessionStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class JdbcSessionStoreContractTest extends SessionStoreContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @Override
    protected SessionStore newSessionStore() {
        opened = backend.open(dir);
        return new JdbcSessionStore(opened.first());
    }

    @Override
    protected InstanceRegistry instanceRegistry() {
        return new JdbcInstanceRegistry(opened.first());
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
