package org.baton.core.record;

/** Why one field of a submitted record was refused; the API names the field in its problem response. */
public record FieldError(String field, String problem) {
    @Override
    public String toString() {
        return "'" + field + "' " + problem;
    }
}
