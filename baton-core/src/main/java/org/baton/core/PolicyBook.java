package org.baton.core;

import java.util.Map;

/**
 * The lock policy of every resource type: one default and per-type overrides, and the catalogue of which resources
 * may be locked at all.
 */
public record PolicyBook(LockPolicy defaults, Map<String, LockPolicy> byType, ResourceCatalog catalog) {
    public PolicyBook {
        byType = Map.copyOf(byType);
    }

    /** Policies for any well-formed resource id. */
    public PolicyBook(LockPolicy defaults, Map<String, LockPolicy> byType) {
        this(defaults, byType, ResourceCatalog.any());
    }

    public static PolicyBook of(LockPolicy defaults) {
        return new PolicyBook(defaults, Map.of());
    }

    public LockPolicy policyFor(String type) {
        return byType.getOrDefault(type, defaults);
    }
}
