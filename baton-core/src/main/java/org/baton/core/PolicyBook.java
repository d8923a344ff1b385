package org.baton.core;

import java.util.Map;

/** The lock policy of every resource type: one default, and per-type overrides. */
public record PolicyBook(LockPolicy defaults, Map<String, LockPolicy> byType) {
    public PolicyBook {
        byType = Map.copyOf(byType);
    }

    public static PolicyBook of(LockPolicy defaults) {
        return new PolicyBook(defaults, Map.of());
    }

    public LockPolicy policyFor(String type) {
        return byType.getOrDefault(type, defaults);
    }
}
