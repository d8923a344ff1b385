package org.baton.core.record;

/** The value kinds a record field can hold; each normalises its JSON value to one Java type. */
public enum FieldType {
    /** A string (at most {@link RecordSchema#MAX_TEXT} characters). */
    TEXT,
    /** A number, kept as {@link Double}. */
    NUMBER,
    /** A whole number, kept as {@link Long}. */
    INTEGER,
    /** true or false. */
    BOOLEAN,
    /** An ISO date {@code YYYY-MM-DD}, kept as text. */
    DATE,
    /** An ISO instant {@code 2026-01-13T09:00:00Z}, kept as text. */
    DATETIME,
    /** One of the field's {@code options}, kept as text. */
    CHOICE
}
