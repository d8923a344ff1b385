package org.baton.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Someone saved the record after the version the save named ({@code VERSION_CONFLICT}, 412). {@link #current()} is the
 * record as it is now and {@link #merge()} Baton's field-level merge proposal ({@code merged}, {@code applied},
 * {@code conflicts}); save the reviewed result with {@code current().version()}.
 */
public final class VersionConflictException extends BatonProblemException {
    private final transient StoredRecord current;

    public VersionConflictException(Problem problem, StoredRecord current) {
        super(problem);
        this.current = current;
    }

    public StoredRecord current() {
        return current;
    }

    /** The merge proposal, or a missing node when Baton sent none. */
    public JsonNode merge() {
        return problem().body().path("merge");
    }
}
