package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Serves the pages and browser modules packaged under {@code baton/static/} on the classpath (the demo app, the
 * dashboard, {@code /js/lock-manager.js}, ...), with the right content types, no directory listings and no path
 * tricks: only names of {@code [A-Za-z0-9._/-]} without {@code ..} are looked up.
 */
public final class StaticPages implements RouteGroup {
    private static final String ROOT = "baton/static/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "json", "application/json",
            "ico", "image/x-icon");

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", ctx -> serve(ctx, "index.html"));
        routes.get("/<path>", ctx -> serve(ctx, ctx.pathParam("path")));
    }

    private static void serve(Context ctx, String path) throws IOException {
        if (path.endsWith("/")) {
            path = path + "index.html";
        }
        if (!path.matches("[A-Za-z0-9._/-]{1,200}") || path.contains("..")) {
            throw ApiException.of(404, "NOT_FOUND", "No page here.");
        }
        String extension = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : "html";
        String resource = ROOT + (path.contains(".") ? path : path + ".html");
        try (InputStream in = StaticPages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw ApiException.of(404, "NOT_FOUND", "No page at /" + path + ".");
            }
            ctx.contentType(TYPES.getOrDefault(extension, "application/octet-stream"));
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.result(in.readAllBytes());
        }
    }
}
