package org.baton.core;

/** A resource id that does not follow {@code type:id[:child]}; the message says what is wrong without echoing it. */
public final class InvalidResourceIdException extends IllegalArgumentException {
    public InvalidResourceIdException(String problem) {
        super(problem);
    }
}
