package org.baton.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty refuses before any route sees them (a malformed URI, an illegal character in the path, an oversized
 * header) are answered in the same {@code application/problem+json} shape as every other refusal, never with
 * Jetty's HTML error page.
 */
public final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        Problem problem = ProblemResponder.fromHttpStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        ProblemResponder.respond(response, problem, 0, callback);
        return true;
    }
}
