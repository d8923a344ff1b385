package org.baton.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the browser client's protocol types true to the contract: {@code baton-client-js/types/protocol.d.ts} must be
 * exactly what {@link ProtocolTypes} renders from the documents. To update it after changing a document, run this
 * test and copy the file it writes ({@code baton-server/target/protocol.d.ts}) over the committed one.
 */
class ProtocolTypesTest {
    @Test
    void committedProtocolTypes_matchTheDocuments() throws Exception {
        String rendered = new ProtocolTypes(ApiDocuments.load()).render();
        Path written = Files.writeString(Path.of("target", "protocol.d.ts"), rendered);
        Path committed = Path.of("..", "baton-client-js", "types", "protocol.d.ts");
        assertThat(committed).as("copy %s to %s", written.toAbsolutePath(), committed.toAbsolutePath().normalize()).exists();
        assertThat(Files.readString(committed)).as("%s is out of date: copy %s over it", committed.normalize(), written.toAbsolutePath())
                .isEqualTo(rendered);
        assertThat(rendered).contains("export interface ServerEvents", "\"lock:acquired\": LockAcquiredData;",
                "export type Lease = LeaseView & Required<Pick<LeaseView, \"leaseId\">>;");
    }
}
