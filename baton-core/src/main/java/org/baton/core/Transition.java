package org.baton.core;

import java.util.List;

/** The result of applying one command: the next state, the caller's outcome, and the events to publish. */
public record Transition(LockState next, Outcome outcome, List<LockEvent> events) {
    public Transition {
        events = List.copyOf(events);
    }
}
