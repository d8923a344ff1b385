package org.baton.server.http;

import io.javalin.config.RoutesConfig;

/**
 * Request bodies are limited to {@code BATON_MAX_BODY_BYTES}, except autosave, whose drafts may be as large as
 * {@code BATON_MAX_DRAFT_BYTES} (plus their envelope). Jetty enforces the larger figure; this enforces the smaller
 * one everywhere else, before any handler reads the body.
 */
public final class BodyLimits implements RouteGroup {
    /** Room for the JSON envelope around a draft's data. */
    public static final int ENVELOPE_BYTES = 16_384;
    private final long maxBodyBytes;

    public BodyLimits(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** What Jetty must accept at most. */
    public static long transportLimit(long maxBodyBytes, long maxDraftBytes) {
        return Math.max(maxBodyBytes, maxDraftBytes + ENVELOPE_BYTES);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before("/api/*", ctx -> {
            if (ctx.path().startsWith("/api/autosave/")) {
                return;
            }
            // Read (bounded by Jetty's transport limit) before refusing: answering with the body unread can make Jetty
            // drop the connection instead of sending the 413.
            if (ctx.contentLength() != 0 && ctx.bodyAsBytes().length > maxBodyBytes) {
                throw ApiException.of(413, "PAYLOAD_TOO_LARGE", "The request body is larger than " + maxBodyBytes + " bytes (BATON_MAX_BODY_BYTES).");
            }
        });
    }
}
