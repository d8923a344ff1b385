package org.baton.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served documents are valid OpenAPI 3.1 and AsyncAPI 3, as the specifications' own validators see them
 * ({@code @seriousme/openapi-schema-validator} and {@code @asyncapi/parser}, installed from npm by
 * {@code scripts/test-deps.sh}, run by {@code src/test/contract/validate.mjs}).
 */
class ContractDocumentsValidTest {
    @TempDir
    Path dir;

    @Test
    void openApiAndAsyncApi_passTheirSpecificationsValidators() throws Exception {
        Path tool = Path.of("src/test/contract").toAbsolutePath();
        assertThat(tool.resolve("node_modules/@asyncapi/parser")).as("run ./test.sh (or scripts/test-deps.sh) to install the validators").exists();
        ApiDocuments documents = ApiDocuments.load();
        Path openApi = Files.writeString(dir.resolve("openapi.json"), documents.openApiJson());
        Path asyncApi = Files.writeString(dir.resolve("asyncapi.json"), documents.asyncApiJson());
        Process node = new ProcessBuilder("node", "validate.mjs", openApi.toString(), asyncApi.toString())
                .directory(tool.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("validate.mjs finished").isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("{\"doc\":\"openapi\",\"checked\":\"3.1\"}", "{\"doc\":\"asyncapi\",\"checked\":\"3.0.0\"}")
                .doesNotContain("\"severity\":\"error\"", "\"severity\":\"warning\"");
    }
}
