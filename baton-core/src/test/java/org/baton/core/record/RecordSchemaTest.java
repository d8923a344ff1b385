package org.baton.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordSchemaTest {
    static final RecordSchema REGIME = new RecordSchema("drug_regime", "Drug regime", fields(
            new FieldSpec("drug", "Drug", FieldType.TEXT, true, true, null, null),
            new FieldSpec("dose_mg", "Dose (mg)", FieldType.NUMBER, true, true, null, null),
            new FieldSpec("route", "Route", FieldType.CHOICE, false, true, null, List.of("epidural", "iv")),
            new FieldSpec("bolus_count", null, FieldType.INTEGER, false, false, null, null),
            new FieldSpec("started", null, FieldType.DATE, false, false, null, null),
            new FieldSpec("allergy_note", null, FieldType.TEXT, false, false, "allergies", null)));

    @Test
    void valuesAreCheckedAndCanonicalised() {
        var v = REGIME.normalise(Map.of("drug", "bupivacaine", "dose_mg", 5, "bolus_count", 3.0, "route", "iv"), null);
        assertThat(v.ok()).isTrue();
        assertThat(v.values()).containsEntry("dose_mg", 5.0).containsEntry("bolus_count", 3L);
    }

    @Test
    void eachBadField_isNamed() {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("drug", 12);
        bad.put("dose_mg", "five");
        bad.put("route", "oral");
        bad.put("bolus_count", 1.5);
        bad.put("started", "13/01/2026");
        bad.put("colour", "red");
        var v = REGIME.normalise(bad, null);
        assertThat(v.errors()).extracting(FieldError::field)
                .containsExactly("drug", "dose_mg", "route", "bolus_count", "started", "colour");
        assertThat(v.errors().get(2).problem()).contains("epidural");
    }

    @Test
    void aSectionSave_mayOnlyTouchItsOwnFields() {
        assertThat(REGIME.normalise(Map.of("allergy_note", "latex"), "allergies").ok()).isTrue();
        assertThat(REGIME.normalise(Map.of("drug", "x"), "allergies").errors()).extracting(FieldError::field).containsExactly("drug");
        assertThat(REGIME.sections()).containsExactly("main", "allergies");
    }

    @Test
    void requiredFields_areReported() {
        assertThat(REGIME.missingRequired(Map.of("drug", "x"))).extracting(FieldError::field).containsExactly("dose_mg");
        assertThat(REGIME.clinicalFields()).containsExactly("drug", "dose_mg", "route");
    }

    /** Issue 12.8: a required text field accepted "" and blanks. */
    @Test
    void issue12_blankText_doesNotFillARequiredField() {
        assertThat(REGIME.missingRequired(Map.of("drug", " \t", "dose_mg", 5.0))).extracting(FieldError::field).containsExactly("drug");
        assertThat(REGIME.missingRequired(Map.of("drug", "", "dose_mg", 5.0))).extracting(FieldError::field).containsExactly("drug");
    }

    static Map<String, FieldSpec> fields(FieldSpec... specs) {
        Map<String, FieldSpec> map = new LinkedHashMap<>();
        for (FieldSpec spec : specs) {
            map.put(spec.name(), spec);
        }
        return map;
    }
}
