package org.baton.core.record;

import java.util.List;

/**
 * One field of a record type.
 *
 * @param clinical clinically significant (drug, dose, route, rate, catheter site…): a merge never applies a change
 *     to it on its own, the user confirms each (SPEC feature 24)
 * @param section the child resource whose lock guards this field ({@code main} unless the type has sections)
 * @param options the allowed values of a {@link FieldType#CHOICE} field
 */
public record FieldSpec(String name, String label, FieldType type, boolean required, boolean clinical, String section,
                        List<String> options) {
    public FieldSpec {
        options = options == null ? List.of() : List.copyOf(options);
        section = section == null || section.isBlank() ? "main" : section;
        label = label == null || label.isBlank() ? name : label;
    }
}
