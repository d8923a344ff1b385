package org.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.baton.core.record.RecordSchema;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.records.RecordTypes;

/**
 * Jazzer on record fields (issue 16): any JSON body, checked against any of the shipped record types (whole record or
 * one section), is either refused field by field or accepted in a canonical form that is accepted again unchanged, so
 * a saved record always reads back as it was validated. Nothing else escapes: no exception a save would turn into a 500.
 */
class RecordFieldsFuzzTest {
    private static final RecordTypes TYPES = RecordTypes.load(null);
    private static final List<RecordSchema> SCHEMAS = List.copyOf(TYPES.all().values());

    @FuzzTest(maxDuration = "60s")
    void anyBody_isRefusedFieldByField_orAcceptedInACanonicalForm(FuzzedDataProvider data) {
        RecordSchema schema = SCHEMAS.get(data.consumeInt(0, SCHEMAS.size() - 1));
        List<String> sections = List.copyOf(schema.sections());
        String section = data.consumeBoolean() ? sections.get(data.consumeInt(0, sections.size() - 1)) : null;
        String body = data.consumeRemainingAsString();
        Map<String, Object> fields;
        try {
            JsonNode tree = Json.readTree(body);
            if (!tree.isObject()) {
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> bound = Json.mapper().convertValue(tree, Map.class);
            fields = bound;
        } catch (ApiException refused) {
            assertThat(refused.problem().status()).isEqualTo(400);
            return;
        }
        RecordSchema.Validated validated = schema.normalise(fields, section);
        if (!validated.ok()) {
            assertThat(validated.errors()).allSatisfy(e -> assertThat(e.field()).isNotNull());
            return;
        }
        RecordSchema.Validated again = schema.normalise(Json.mapper().convertValue(
                Json.readTree(Json.write(validated.values())), Map.class), section);
        assertThat(again.errors()).isEmpty();
        assertThat(again.values()).isEqualTo(validated.values());
    }
}
