package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.UUID;
import org.baton.core.store.StorageFullException;
import org.baton.core.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single mapping from refusals and failures to {@code application/problem+json}.
 *
 * <p>Handlers throw {@link ApiException} or return problems; Javalin's own refusals (unknown route, wrong method,
 * body over the size limit) and unexpected exceptions all pass through here, so no response ever carries a stack
 * trace or an internal class name. Unexpected failures are logged with an incident id that the response repeats,
 * so an operator can find the log line a user reports.
 */
public final class ProblemResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);

    private ProblemResponder() {
    }

    public static void install(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.problem(), e.retryAfterSeconds()));
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromHttpStatus(e.getStatus()), 0));
        routes.exception(StoreUnavailableException.class, (e, ctx) -> {
            LOG.warn("store unavailable method={} path={}: {}", ctx.method(), ctx.path(), e.getMessage());
            respond(ctx, storeUnavailable(e), STORE_RETRY_AFTER_SECONDS);
        });
        routes.exception(Exception.class, (e, ctx) -> {
            String incident = UUID.randomUUID().toString();
            LOG.error("unexpected failure incident={} method={} path={}", incident, ctx.method(), ctx.path(), e);
            respond(ctx, Problem.of(500, "INTERNAL", "Something went wrong on the server (incident " + incident + ").")
                    .with("incident", incident), 0);
        });
        routes.error(404, ctx -> {
            if (!isProblem(ctx)) {
                respond(ctx, Problem.of(404, "NOT_FOUND", "No resource at " + safePath(ctx) + "."), 0);
            }
        });
        routes.error(405, ctx -> {
            if (!isProblem(ctx)) {
                respond(ctx, Problem.of(405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed on " + safePath(ctx) + "."), 0);
            }
        });
        routes.error(413, ctx -> {
            if (!isProblem(ctx)) {
                respond(ctx, fromHttpStatus(413), 0);
            }
        });
    }

    /** Seconds a client is asked to wait before retrying after a store outage. */
    public static final int STORE_RETRY_AFTER_SECONDS = 2;

    /**
     * The answer when the durable store cannot be reached (or this instance cannot vouch for its view of it): fail
     * closed, nothing was decided or extended (RELIABILITY promise 7).
     */
    public static Problem storeUnavailable() {
        return Problem.of(503, "STORE_UNAVAILABLE", "Baton cannot reach its database right now; nothing was changed. Try again in a moment.");
    }

    /**
     * The answer to {@code failure}: {@code STORAGE_FULL} when the database's disk is full (the write was refused whole,
     * reads still work, writes resume by themselves once space is freed), otherwise {@link #storeUnavailable()}.
     */
    public static Problem storeUnavailable(StoreUnavailableException failure) {
        if (failure instanceof StorageFullException) {
            return Problem.of(503, "STORAGE_FULL", "Baton's database has no disk space left; nothing was changed and what you typed is"
                    + " still here. Keep it open and try again in a moment.");
        }
        return storeUnavailable();
    }

    public static void respond(Context ctx, Problem problem, long retryAfterSeconds) {
        if (retryAfterSeconds > 0) {
            ctx.header("Retry-After", Long.toString(retryAfterSeconds));
        }
        ctx.status(problem.status()).contentType(Problem.MEDIA_TYPE).result(Json.write(problem));
    }

    /**
     * The same answer on Jetty's core API, for a request refused before Javalin sees it (a WebSocket upgrade): the
     * problem is written and {@code callback} completed.
     */
    public static void respond(org.eclipse.jetty.server.Response response, Problem problem, long retryAfterSeconds,
                               org.eclipse.jetty.util.Callback callback) {
        if (retryAfterSeconds > 0) {
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        response.setStatus(problem.status());
        response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, java.nio.ByteBuffer.wrap(Json.write(problem).getBytes(java.nio.charset.StandardCharsets.UTF_8)), callback);
    }

    static Problem fromHttpStatus(int status) {
        return switch (status) {
            case 400 -> Problem.of(400, "BAD_REQUEST", "The request could not be understood.");
            case 404 -> Problem.of(404, "NOT_FOUND", "Not found.");
            case 405 -> Problem.of(405, "METHOD_NOT_ALLOWED", "This method is not allowed here.");
            case 413 -> Problem.of(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this server accepts.");
            case 415 -> Problem.of(415, "UNSUPPORTED_MEDIA_TYPE", "The request body must be application/json.");
            default -> Problem.of(status, status >= 500 ? "INTERNAL" : "BAD_REQUEST", "The request was refused.");
        };
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(Problem.MEDIA_TYPE);
    }

    private static String safePath(Context ctx) {
        String path = ctx.path();
        return path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }
}
