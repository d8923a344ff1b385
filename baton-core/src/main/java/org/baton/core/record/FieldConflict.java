package org.baton.core.record;

/**
 * A field the user must decide: changed differently on both sides, or clinically significant and changed at all.
 * Values are as in base, in the user's version ("mine") and in the current record ("theirs"); null means empty.
 */
public record FieldConflict(String field, Object base, Object mine, Object theirs, boolean clinical) {
}
