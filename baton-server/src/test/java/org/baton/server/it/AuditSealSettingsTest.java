package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit settings do what the README says: the key file seals the chain, the checkpoint file records its head. */
class AuditSealSettingsTest {
    @TempDir
    Path dir;

    @Test
    void auditKeyFile_isTheKeyThatSealsTheChain_andCheckpointsGoWhereTheSettingSays() throws Exception {
        Path data = dir.resolve("data");
        Path keyA = Files.writeString(dir.resolve("key-a"), "the-first-audit-key-of-more-than-32-characters\n");
        Path keyB = Files.writeString(dir.resolve("key-b"), "the-second-audit-key-of-more-than-32-characters\n");
        Path checkpoints = dir.resolve("elsewhere").resolve("audit-points.log");
        try (TestBaton baton = new TestBaton(data, Map.of("BATON_AUDIT_KEY_FILE", keyA.toString(),
                "BATON_AUDIT_CHECKPOINTS", checkpoints.toString()))) {
            baton.call("POST", "/api/locks/acquire", baton.token("okafor"), Map.of("resourceId", "catheter:seal"));
            baton.advance(Duration.ofMinutes(1));
            assertThat(baton.call("GET", "/api/admin/audit/verify", baton.token("rivera"), null).body().path("intact").asBoolean()).isTrue();
        }
        assertThat(Files.readAllLines(checkpoints)).as("the head recorded where BATON_AUDIT_CHECKPOINTS says").singleElement()
                .satisfies(line -> assertThat(line).matches("\\d+ [0-9a-f]{64} .*"));
        try (TestBaton sameKey = new TestBaton(data, Map.of("BATON_AUDIT_KEY_FILE", keyA.toString(),
                "BATON_AUDIT_CHECKPOINTS", checkpoints.toString()))) {
            assertThat(sameKey.call("GET", "/api/admin/audit/verify", sameKey.token("rivera"), null).status()).isEqualTo(200);
        }
        try (TestBaton otherKey = new TestBaton(data, Map.of("BATON_AUDIT_KEY_FILE", keyB.toString(),
                "BATON_AUDIT_CHECKPOINTS", checkpoints.toString()))) {
            var verify = otherKey.call("GET", "/api/admin/audit/verify", otherKey.token("rivera"), null);
            assertThat(verify.status()).as("entries sealed under another key do not verify").isEqualTo(409);
            assertThat(verify.body().path("problem").asText()).contains("seal");
        }
    }
}
