package org.baton.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Serves the pages and browser modules packaged under {@code baton/static/} on the classpath (the demo app, the
 * dashboard, {@code /js/lock-manager.js}, ...), with the right content types, no directory listings and no path
 * tricks: only names of {@code [A-Za-z0-9._/-]} without {@code ..} are looked up. {@code HEAD} answers as
 * {@code GET} does, without the body.
 *
 * <p>Libraries the pages use come from WebJars inside Baton's jar (nothing is fetched from elsewhere, so the pages work on
 * a hospital network without internet access): {@code /vendor/echarts.min.js} is Apache ECharts, for the dashboard's
 * charts.
 *
 * <p>Every answer carries {@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer}; pages
 * also carry a {@link #CONTENT_SECURITY_POLICY} that allows scripts, styles and connections from Baton's own
 * origin only (no inline script or style, no framing), so an injected string can never run as code.
 */
public final class StaticPages implements RouteGroup {
    /** The pages' policy: everything from this origin, nothing inline, nothing framing them. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final String ROOT = "baton/static/";
    /** Files of WebJars served under /vendor/, by the name the pages use. */
    private static final Map<String, String> VENDOR = Map.of("vendor/echarts.min.js",
            "META-INF/resources/webjars/echarts/" + webJarVersion("org.webjars.npm", "echarts") + "/dist/echarts.min.js");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "json", "application/json",
            "ico", "image/x-icon");

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", ctx -> serve(ctx, "index.html", true));
        routes.head("/", ctx -> serve(ctx, "index.html", false));
        routes.get("/favicon.ico", ctx -> serve(ctx, "favicon.svg", true));
        routes.head("/favicon.ico", ctx -> serve(ctx, "favicon.svg", false));
        routes.get("/<path>", ctx -> serve(ctx, ctx.pathParam("path"), true));
        routes.head("/<path>", ctx -> serve(ctx, ctx.pathParam("path"), false));
    }

    private static void serve(Context ctx, String path, boolean withBody) throws IOException {
        if (path.endsWith("/")) {
            path = path + "index.html";
        }
        if (!path.matches("[A-Za-z0-9._/-]{1,200}") || path.contains("..")) {
            throw ApiException.of(404, "NOT_FOUND", "No page here.");
        }
        String extension = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : "html";
        String resource = VENDOR.getOrDefault(path, ROOT + (path.contains(".") ? path : path + ".html"));
        try (InputStream in = StaticPages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw ApiException.of(404, "NOT_FOUND", "No page at /" + path + ".");
            }
            byte[] body = in.readAllBytes();
            ctx.contentType(TYPES.getOrDefault(extension, "application/octet-stream"));
            // Pages are never kept (no-store): a page frozen in the back/forward cache in the middle of opening the
            // local draft store would block every later page from opening it.
            ctx.header("Cache-Control", extension.equals("html") ? "no-store" : "no-cache");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            if (extension.equals("html")) {
                ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                ctx.header("X-Frame-Options", "DENY");
            }
            if (withBody) {
                ctx.result(body);
            } else {
                ctx.header("Content-Length", Integer.toString(body.length));
            }
        }
    }

    private static String webJarVersion(String group, String artifact) {
        try (InputStream in = StaticPages.class.getClassLoader().getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the WebJar " + group + ":" + artifact + " is missing from the classpath");
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
