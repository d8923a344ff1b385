package org.baton.server.contract;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.baton.server.http.ApiException;
import org.baton.server.http.RouteGroup;

/**
 * Serves the contract without a token: {@code /api/openapi.json}, {@code /api/asyncapi.json}, and Swagger UI at
 * {@code /api/docs}, whose scripts come from the swagger-ui WebJar inside Baton's jar (nothing is fetched from
 * elsewhere, so the page works on a hospital network without internet access).
 *
 * <p>The documents are read on the first request for them, not at start-up: parsing them costs about a second on a
 * busy machine, which a restarting instance should not spend before it serves locks.
 */
public final class ApiDocsRoutes implements RouteGroup {
    /** The paths that need no token (the contract is public; it holds no data). */
    public static final Set<String> OPEN_PATHS = Set.of("/api/openapi.json", "/api/asyncapi.json", "/api/docs");
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    /** The Swagger UI files the page uses, and the page's own initializer, with their content types. */
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui.css", "text/css; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "baton-docs.js", "text/javascript; charset=utf-8");

    private final Supplier<ApiDocuments> loader;
    private final String swaggerUiRoot;
    private volatile ApiDocuments documents;

    /** @param loader reads the documents (normally {@code ApiDocuments::load}); called once, on first use */
    public ApiDocsRoutes(Supplier<ApiDocuments> loader) {
        this.loader = loader;
        this.swaggerUiRoot = WEBJAR + webJarVersion() + "/";
    }

    private ApiDocuments documents() {
        ApiDocuments loaded = documents;
        if (loaded == null) {
            synchronized (this) {
                if (documents == null) {
                    documents = loader.get();
                }
                loaded = documents;
            }
        }
        return loaded;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/openapi.json", ctx -> json(ctx, documents().openApiJson()));
        routes.get("/api/asyncapi.json", ctx -> json(ctx, documents().asyncApiJson()));
        routes.get("/api/docs", ctx -> {
            ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache");
            ctx.result(resource("baton/api/docs.html"));
        });
        routes.get("/api/docs/{asset}", ctx -> {
            String asset = ctx.pathParam("asset");
            String type = ASSETS.get(asset);
            if (type == null) {
                throw ApiException.of(404, "NOT_FOUND", "No such file of the API docs page.");
            }
            String path = asset.equals("baton-docs.js") ? "baton/api/baton-docs.js" : swaggerUiRoot + asset;
            ctx.contentType(type).header("Cache-Control", "max-age=3600").header("X-Content-Type-Options", "nosniff");
            ctx.result(resource(path));
        });
    }

    private static void json(Context ctx, String body) {
        ctx.contentType("application/json").header("Cache-Control", "no-cache").header("Access-Control-Allow-Origin", "*");
        ctx.result(body);
    }

    private static byte[] resource(String path) {
        try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WebJar's version, from its Maven metadata, so upgrading the dependency needs no code change. */
    private static String webJarVersion() {
        try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the org.webjars:swagger-ui jar is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
