package org.baton.core;

/** What happens when someone asks for the editor lock while another holds it (seed 001, decision 2). */
public enum UpgradeMode {
    /** Refused at once with {@code LOCK_HELD}. */
    DENY,
    /** Queued, first in first out (the default). */
    QUEUE,
    /** Sent to the holder as an "ask the holder" request. */
    REQUEST
}
