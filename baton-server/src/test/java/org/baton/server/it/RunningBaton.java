package org.baton.server.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the integration tests that need one real Baton per test: started on a free port with its own data
 * directory before each test (before the subclass's own {@code @BeforeEach}), closed after it.
 */
abstract class RunningBaton {
    @TempDir
    Path dir;
    TestBaton baton;

    @BeforeEach
    final void startBaton() {
        baton = new TestBaton(dir, java.util.Map.of());
    }

    @AfterEach
    final void stopBaton() {
        baton.close();
    }
}
