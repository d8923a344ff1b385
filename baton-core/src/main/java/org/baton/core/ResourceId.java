package org.baton.core;

import java.util.regex.Pattern;

/**
 * What can be locked: {@code type:id:child}, e.g. {@code patient:8f3c:medications}. A two-part id {@code type:id}
 * means {@code type:id:main}. Children lock independently: a lock on {@code :main} does not lock the children.
 *
 * <p>Type and child are lower-case {@code [a-z0-9_-]{1,64}}, id is {@code [A-Za-z0-9_-]{1,128}}; anything else is
 * refused, so one lock has exactly one spelling.
 */
public record ResourceId(String type, String id, String child) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int MAX_TEXT = 64 + 128 + 64 + 2;

    public ResourceId {
        require(type != null && NAME.matcher(type).matches(), "the type must be 1-64 characters of a-z, 0-9, _ or -");
        require(id != null && ID.matcher(id).matches(), "the id must be 1-128 characters of A-Z, a-z, 0-9, _ or -");
        require(child != null && NAME.matcher(child).matches(), "the child must be 1-64 characters of a-z, 0-9, _ or -");
    }

    public static ResourceId of(String type, String id, String child) {
        return new ResourceId(type, id, child == null ? "main" : child);
    }

    /** Parses {@code type:id} or {@code type:id:child}; throws {@link InvalidResourceIdException} for anything else. */
    public static ResourceId parse(String text) {
        require(text != null && !text.isEmpty(), "a resource id is required (type:id or type:id:child)");
        require(text.length() <= MAX_TEXT, "the resource id is too long");
        String[] parts = text.split(":", -1);
        require(parts.length == 2 || parts.length == 3, "a resource id has the form type:id or type:id:child");
        return new ResourceId(parts[0], parts[1], parts.length == 3 ? parts[2] : "main");
    }

    /** The record this resource belongs to, {@code type:id}. */
    public String recordKey() {
        return type + ":" + id;
    }

    @Override
    public String toString() {
        return type + ":" + id + ":" + child;
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new InvalidResourceIdException(problem);
        }
    }
}
