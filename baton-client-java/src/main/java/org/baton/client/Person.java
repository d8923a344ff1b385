package org.baton.client;

/** A user as Baton shows them to others: id, display name and first role. */
public record Person(String userId, String name, String role) {
}
