package org.baton.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.baton.server.config.Settings;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's configuration table true: it must be exactly the table rendered from {@link Settings}.
 * To update it: {@code ./test.sh} fails here and prints the table to paste.
 */
class ConfigurationTableTest {
    @Test
    void readmeTable_matchesTheSettings() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String table = Settings.markdownTable();
        assertThat(readme).as("README.md configuration table; expected:%n%s", table).contains(table);
    }
}
