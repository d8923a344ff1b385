package org.baton.core.record;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one record type: what a save may contain, which fields are clinically significant, and which
 * section (child resource) each belongs to. Records are flat maps of field name to value; a schema turns the
 * values a client sent into their one canonical Java form, so that equal values compare equal in a merge.
 */
public record RecordSchema(String type, String label, Map<String, FieldSpec> fields) {
    /** Longest text value, in characters. */
    public static final int MAX_TEXT = 4_000;

    public RecordSchema {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        label = label == null || label.isBlank() ? type : label;
    }

    /** Names of the fields a merge must never apply by itself. */
    public Set<String> clinicalFields() {
        Set<String> names = new LinkedHashSet<>();
        fields.values().stream().filter(FieldSpec::clinical).forEach(f -> names.add(f.name()));
        return names;
    }

    /** The sections (child resources) this type's fields are guarded by, {@code main} first when present. */
    public Set<String> sections() {
        Set<String> names = new LinkedHashSet<>();
        fields.values().forEach(f -> names.add(f.section()));
        return names;
    }

    /**
     * The submitted values in canonical form, or the errors that refuse them: unknown fields, ill-typed values.
     * Null clears a field. When {@code section} is not null, only that section's fields may be sent.
     */
    public Validated normalise(Map<String, ?> submitted, String section) {
        Map<String, Object> clean = new LinkedHashMap<>();
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, ?> entry : submitted.entrySet()) {
            FieldSpec spec = fields.get(entry.getKey());
            if (spec == null) {
                errors.add(new FieldError(entry.getKey(), "is not a field of " + type));
                continue;
            }
            if (section != null && !spec.section().equals(section)) {
                errors.add(new FieldError(entry.getKey(), "belongs to section '" + spec.section() + "', not '" + section + "'"));
                continue;
            }
            Object value = entry.getValue();
            if (value == null) {
                clean.put(spec.name(), null);
                continue;
            }
            String problem = check(spec, value);
            if (problem != null) {
                errors.add(new FieldError(spec.name(), problem));
            } else {
                clean.put(spec.name(), canonical(spec, value));
            }
        }
        return new Validated(clean, errors);
    }

    /** Required fields that are missing, null or blank text (empty or only white space) in a whole record. */
    public List<FieldError> missingRequired(Map<String, ?> record) {
        List<FieldError> errors = new ArrayList<>();
        for (FieldSpec spec : fields.values()) {
            Object value = record.get(spec.name());
            if (spec.required() && (value == null || value instanceof String text && text.isBlank())) {
                errors.add(new FieldError(spec.name(), value == null ? "is required" : "is required and may not be blank"));
            }
        }
        return errors;
    }

    /** The values after validation, and the errors; the values are usable only when there are no errors. */
    public record Validated(Map<String, Object> values, List<FieldError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private static String check(FieldSpec spec, Object value) {
        return switch (spec.type()) {
            case TEXT -> value instanceof String s ? (s.length() <= MAX_TEXT ? null : "is longer than " + MAX_TEXT + " characters")
                    : "must be text";
            case NUMBER -> value instanceof Number n && Double.isFinite(n.doubleValue()) ? null : "must be a number";
            case INTEGER -> isWhole(value) ? null : "must be a whole number";
            case BOOLEAN -> value instanceof Boolean ? null : "must be true or false";
            case DATE -> value instanceof String s && parsesAsDate(s) ? null : "must be a date like 2026-01-13";
            case DATETIME -> value instanceof String s && parsesAsInstant(s) ? null : "must be a UTC time like 2026-01-13T09:00:00Z";
            case CHOICE -> value instanceof String s && spec.options().contains(s) ? null : "must be one of " + spec.options();
        };
    }

    private static Object canonical(FieldSpec spec, Object value) {
        return switch (spec.type()) {
            case NUMBER -> ((Number) value).doubleValue();
            case INTEGER -> ((Number) value).longValue();
            case DATETIME -> Instant.parse((String) value).toString();
            default -> value;
        };
    }

    private static boolean isWhole(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return true;
        }
        if (value instanceof java.math.BigInteger b) {
            return b.bitLength() < 64;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15;
        }
        return false;
    }

    private static boolean parsesAsDate(String s) {
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean parsesAsInstant(String s) {
        try {
            Instant.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
