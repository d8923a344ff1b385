package org.baton.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A refusal as Baton sent it ({@code application/problem+json}, RFC 9457): the HTTP status, the stable {@code code}
 * to switch on (LOCK_HELD, LEASE_EXPIRED, VERSION_CONFLICT, ...; see Baton's OpenAPI document for the full list), a
 * human {@code detail}, and the whole body for extension members.
 */
public record Problem(int status, String code, String detail, JsonNode body) {
}
