package org.baton.core.store;

/** A stored value with the version a compare-and-set must name to replace it. */
public record Versioned<T>(long version, T value) {
}
