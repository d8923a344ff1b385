package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.baton.server.contract.ApiDocuments;
import org.baton.server.contract.AsyncApiContract;
import org.baton.server.contract.OpenApiContract;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the contract documents are served, and they describe the server that serves them — every route Javalin
 * has is a path of the OpenAPI document and every documented path is a route; every client event of the AsyncAPI
 * document is one the server handles. (Every answer and frame the integration tests see is checked against the same
 * documents by {@link TestBaton}.)
 */
class ApiContractTest extends RunningBaton {
    /** The demo pages, their favicon and the browser modules (GET, and HEAD as GET without the body): served, but not part of the API. */
    private static final Set<String> NOT_API = Set.of("GET /", "HEAD /", "GET /favicon.ico", "HEAD /favicon.ico", "GET /<path>", "HEAD /<path>");

    @Test
    void everyRouteIsDocumented_andEveryDocumentedPathIsARoute() {
        List<String> routes = baton.server.endpoints().stream().filter(r -> !NOT_API.contains(r)).toList();
        assertThat(routes).as("routes of the running server").isNotEmpty();
        assertThat(OpenApiContract.get().operations()).as("operations of openapi.yaml against Javalin's routes")
                .containsExactlyInAnyOrderElementsOf(routes);
    }

    @Test
    void documentsAndSwaggerUi_areServedWithoutAToken() {
        TestBaton.Reply openApi = baton.call("GET", "/api/openapi.json", null, null);
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.body().path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(openApi.body()).isEqualTo(ApiDocuments.load().openApi());
        assertThat(openApi.body().at("/components/schemas/Lease").isObject()).as("shared schemas are merged in").isTrue();

        TestBaton.Reply asyncApi = baton.call("GET", "/api/asyncapi.json", null, null);
        assertThat(asyncApi.status()).isEqualTo(200);
        assertThat(asyncApi.body().path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(asyncApi.body().at("/components/schemas/PresenceUser").isObject()).isTrue();

        TestBaton.Reply page = baton.call("GET", "/api/docs", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.raw().body()).contains("/api/docs/swagger-ui-bundle.js", "/api/docs/baton-docs.js");

        TestBaton.Reply bundle = baton.call("GET", "/api/docs/swagger-ui-bundle.js", null, null);
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(bundle.raw().body()).contains("SwaggerUIBundle");
        assertThat(baton.call("GET", "/api/docs/baton-docs.js", null, null).raw().body()).contains("/api/openapi.json");
        assertThat(baton.call("GET", "/api/docs/index.html", null, null).code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void swaggerUi_rendersEveryOperation_fromTheJarOnly() {
        try (Browser browser = new Browser(baton, "sharma")) {
            browser.driver.get(baton.base() + "/api/docs");
            int operations = OpenApiContract.get().operations().size();
            browser.waitFor(() -> browser.findAll(".opblock").size() == operations);
            assertThat(browser.findAll(".swagger-ui .errors-wrapper")).as("Swagger UI found no errors in the document").isEmpty();
            assertThat(browser.find(".swagger-ui .info .title").getText()).contains("Baton REST API");
            browser.screenshot("api-docs");
        }
    }

    @Test
    void everyDocumentedClientEvent_isHandledByTheServer() {
        TestBaton.Client client = baton.connect("sharma");
        client.await("session:ready");
        for (String event : AsyncApiContract.get().receivedEvents()) {
            if (event.equals("auth")) {
                continue; // needs a token; covered by the WebSocket tests
            }
            String ref = client.send(event, Map.of("resourceId", "patient:contract-1"));
            JsonNode answer = client.answer(ref);
            assertThat(answer.path("data").path("code").asText()).as(event + " answered " + Json.write(answer)).isNotEqualTo("UNKNOWN_EVENT");
        }
    }
}
