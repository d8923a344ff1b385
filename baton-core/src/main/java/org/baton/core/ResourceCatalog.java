package org.baton.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which resources may be locked at all: the configured resource types and, where a type names its sections (record
 * types do), only those children. Anything else is refused ({@link RefusalCode#UNKNOWN_RESOURCE_TYPE},
 * {@link RefusalCode#UNKNOWN_SECTION}) before any state is written, so made-up ids leave nothing behind. Applications
 * that bring their own records may accept any well-formed id instead.
 *
 * @param anyType true to accept every well-formed resource id
 * @param sectionsByType the configured types, each with its children; an empty set means any child of that type
 */
public record ResourceCatalog(boolean anyType, Map<String, Set<String>> sectionsByType) {
    public ResourceCatalog {
        Map<String, Set<String>> copy = new HashMap<>();
        sectionsByType.forEach((type, sections) -> copy.put(type, Set.copyOf(sections)));
        sectionsByType = Map.copyOf(copy);
    }

    /** Every well-formed resource id may be locked. */
    public static ResourceCatalog any() {
        return new ResourceCatalog(true, Map.of());
    }

    /** Only the given types (and, where a set is not empty, only those children) may be locked. */
    public static ResourceCatalog of(Map<String, Set<String>> sectionsByType) {
        return new ResourceCatalog(false, sectionsByType);
    }

    /** Why {@code id} may not be locked, or empty when it may. */
    public Optional<RefusalCode> refusal(ResourceId id) {
        if (anyType) {
            return Optional.empty();
        }
        Set<String> sections = sectionsByType.get(id.type());
        if (sections == null) {
            return Optional.of(RefusalCode.UNKNOWN_RESOURCE_TYPE);
        }
        if (!sections.isEmpty() && !sections.contains(id.child())) {
            return Optional.of(RefusalCode.UNKNOWN_SECTION);
        }
        return Optional.empty();
    }
}
