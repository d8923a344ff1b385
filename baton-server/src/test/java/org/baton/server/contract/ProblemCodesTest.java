package org.baton.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.baton.core.RefusalCode;
import org.junit.jupiter.api.Test;

/**
 * Every problem code Baton can answer is in the contract: the core's refusal codes and every code the server's own
 * code raises are values of {@code ProblemCode}, and each refusal code is listed by the OpenAPI problem answer of its
 * HTTP status, so a client generated from the document knows every code it can meet.
 */
class ProblemCodesTest {
    private static final Pattern RAISED = Pattern.compile("(?:ApiException\\.(?:of|badRequest)|Problem\\.of)\\((?:\\d+, )?\"([A-Z_]+)\"");
    final JsonNode openApi = ApiDocuments.load().openApi();

    @Test
    void everyRefusalCode_isAProblemCode_listedUnderItsStatus() {
        Set<String> codes = enumOf(openApi.at("/components/schemas/ProblemCode"));
        for (RefusalCode code : RefusalCode.values()) {
            assertThat(codes).as("ProblemCode in schemas.yaml").contains(code.name());
            assertThat(codesAnsweredWith(code.httpStatus())).as("the %d problem answer in openapi.yaml", code.httpStatus()).contains(code.name());
        }
    }

    @Test
    void everyCodeTheServerRaises_isAProblemCode() throws IOException {
        Set<String> raised = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = RAISED.matcher(Files.readString(file));
                while (m.find()) {
                    raised.add(m.group(1));
                }
            }
        }
        assertThat(raised).as("codes found in the server's sources").contains("UNAUTHENTICATED", "VERSION_CONFLICT");
        assertThat(enumOf(openApi.at("/components/schemas/ProblemCode"))).as("ProblemCode in schemas.yaml").containsAll(raised);
    }

    private Set<String> codesAnsweredWith(int status) {
        Set<String> codes = new TreeSet<>();
        for (JsonNode response : openApi.at("/components/responses")) {
            for (JsonNode part : response.at("/content/application~1problem+json/schema/allOf")) {
                if (part.at("/properties/status/const").asInt() == status) {
                    codes.addAll(enumOf(part.at("/properties/code")));
                }
            }
        }
        return codes;
    }

    private static Set<String> enumOf(JsonNode schema) {
        Set<String> values = new TreeSet<>();
        schema.path("enum").forEach(v -> values.add(v.asText()));
        return values;
    }
}
