package org.baton.store.jdbc.contract;

import java.nio.file.Path;
import org.baton.core.notify.NotificationInbox;
import org.baton.store.jdbc.notify.JdbcNotificationInbox;
import org.baton.store.tck.NotificationInboxContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class JdbcNotificationInboxContractTest extends NotificationInboxContract {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    private Backend.Opened opened;

    @Override
    protected NotificationInbox newInbox() {
        opened = backend.open(dir);
        return new JdbcNotificationInbox(opened.first());
    }

    @AfterEach
    void close() {
        opened.close();
    }
}
