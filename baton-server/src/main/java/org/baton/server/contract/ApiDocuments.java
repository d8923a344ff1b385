package org.baton.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.baton.server.http.Json;

/**
 * Baton's machine-readable contract: the OpenAPI 3.1 document of the REST API and the AsyncAPI 3 document of the
 * WebSocket events, as served at {@code /api/openapi.json} and {@code /api/asyncapi.json}.
 *
 * <p>Both are written by hand in {@code baton/api/} on the classpath ({@code openapi.yaml}, {@code asyncapi.yaml}),
 * and the shapes both use (lease, holder, presence, record, problem codes, ...) live once in {@code schemas.yaml}.
 * Loading copies those shared schemas into each document's {@code components/schemas}, so each served document stands
 * alone for code generators and gateways. A shared name defined again in a document is a mistake and stops the load.
 * The tests validate every REST answer and WebSocket frame they see against these same documents.
 */
public final class ApiDocuments {
    private static final String ROOT = "baton/api/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ObjectNode openApi;
    private final ObjectNode asyncApi;
    private final String openApiJson;
    private final String asyncApiJson;

    private ApiDocuments(ObjectNode openApi, ObjectNode asyncApi) {
        this.openApi = openApi;
        this.asyncApi = asyncApi;
        this.openApiJson = Json.write(openApi);
        this.asyncApiJson = Json.write(asyncApi);
    }

    /** Reads the documents from the classpath and merges the shared schemas into each. */
    public static ApiDocuments load() {
        ObjectNode shared = read("schemas.yaml");
        return new ApiDocuments(withShared(read("openapi.yaml"), shared, "openapi.yaml"),
                withShared(read("asyncapi.yaml"), shared, "asyncapi.yaml"));
    }

    /** The OpenAPI 3.1 document (a copy: callers may not change the served one). */
    public JsonNode openApi() {
        return openApi.deepCopy();
    }

    /** The AsyncAPI 3 document (a copy). */
    public JsonNode asyncApi() {
        return asyncApi.deepCopy();
    }

    public String openApiJson() {
        return openApiJson;
    }

    public String asyncApiJson() {
        return asyncApiJson;
    }

    private static ObjectNode withShared(ObjectNode document, ObjectNode shared, String name) {
        JsonNode components = document.path("components");
        if (!components.isObject()) {
            components = document.putObject("components");
        }
        ObjectNode schemas = components.path("schemas").isObject() ? (ObjectNode) components.get("schemas")
                : ((ObjectNode) components).putObject("schemas");
        for (Map.Entry<String, JsonNode> entry : shared.properties()) {
            if (schemas.has(entry.getKey())) {
                throw new IllegalStateException(ROOT + name + " defines components/schemas/" + entry.getKey()
                        + ", which " + ROOT + "schemas.yaml already shares; keep one of them");
            }
            schemas.set(entry.getKey(), entry.getValue().deepCopy());
        }
        return document;
    }

    private static ObjectNode read(String name) {
        try (InputStream in = ApiDocuments.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + ROOT + name);
            }
            JsonNode node = YAML.readTree(in);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalStateException(ROOT + name + " is not a YAML mapping");
            }
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + name, e);
        }
    }
}
