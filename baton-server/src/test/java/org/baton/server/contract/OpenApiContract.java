package org.baton.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.dialect.Dialects;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks real HTTP answers against the OpenAPI document Baton serves: the operation must exist, the status must be one
 * it documents, the content type one documented for that status, the required headers present and the body valid
 * against the schema. The integration tests' HTTP helper runs every answer through {@link #check}, so every REST call
 * of every integration test is a contract test too.
 *
 * <p>Answers of routes the document does not have are accepted only as 404/405 problems (tests probe unknown routes on
 * purpose). A 500 is always a failure: it is a bug, whatever the document says.
 */
public final class OpenApiContract {
    private static final String IRI = "https://baton.invalid/api/openapi.json";
    private static final OpenApiContract INSTANCE = new OpenApiContract(ApiDocuments.load());

    /** One documented operation: its method, path template and where it sits in the document. */
    record Operation(String method, String template, Pattern pattern, int literalSegments, String pointer, JsonNode node) {
    }

    private final JsonNode document;
    private final SchemaCheck schemas;
    private final List<Operation> operations = new ArrayList<>();

    OpenApiContract(ApiDocuments documents) {
        this.document = documents.openApi();
        this.schemas = new SchemaCheck(IRI, documents.openApiJson(), Dialects.getOpenApi31());
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (List.of("get", "put", "post", "delete", "patch").contains(op.getKey())) {
                    String template = path.getKey();
                    operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), template, toPattern(template),
                            (int) java.util.Arrays.stream(template.split("/")).filter(s -> !s.isEmpty() && !s.startsWith("{")).count(),
                            "/paths/" + SchemaCheck.escape(template) + "/" + op.getKey(), op.getValue()));
                }
            }
        }
        operations.sort(Comparator.comparingInt(Operation::literalSegments).reversed());
    }

    public static OpenApiContract get() {
        return INSTANCE;
    }

    /** "METHOD /template" of every documented operation. */
    public List<String> operations() {
        return operations.stream().map(o -> o.method() + " " + o.template()).toList();
    }

    /**
     * Throws an {@link AssertionError} naming what differs when the answer is not what the document says.
     *
     * @param target the request path with its query, as sent
     * @param headers the answer's headers (names in any case)
     */
    public void check(String method, String target, int status, Map<String, List<String>> headers, String body) {
        check(method, target, null, status, headers, body);
    }

    /**
     * As {@link #check(String, String, int, Map, String)}, and when the server accepted the request (2xx), the JSON
     * request body it accepted must match the documented request schema too: what the server takes is documented.
     *
     * @param requestBody the JSON body sent, or null
     */
    public void check(String method, String target, String requestBody, int status, Map<String, List<String>> headers, String body) {
        String path = URI.create(target).getPath();
        if (!path.startsWith("/api/") && !path.startsWith("/health/") && !path.equals("/metrics")) {
            return; // the demo pages and browser modules: not part of the API
        }
        String where = method + " " + target + " → " + status;
        if (status >= 500 && status != 503) {
            throw new AssertionError(where + ": the server failed (a bug):\n" + body);
        }
        String contentType = header(headers, "Content-Type").map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse("");
        Optional<Operation> found = operations.stream().filter(o -> o.method().equals(method) && o.pattern().matcher(path).matches()).findFirst();
        if (found.isEmpty()) {
            boolean pathKnown = operations.stream().anyMatch(o -> o.pattern().matcher(path).matches());
            if ((status == 404 || status == 405 || (status == 401 && pathKnown)) && contentType.equals("application/problem+json")) {
                expectValid(where, "/components/schemas/Problem", body);
                return;
            }
            throw new AssertionError(where + ": the OpenAPI document has no operation " + method + " " + path
                    + " (add it to baton-server/src/main/resources/baton/api/openapi.yaml)");
        }
        Operation operation = found.get();
        if (requestBody != null && status >= 200 && status < 300) {
            expectRequestValid(method + " " + target, operation, requestBody);
        }
        String responsePointer = operation.pointer() + "/responses/" + status;
        JsonNode response = operation.node().path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            throw new AssertionError(where + ": status " + status + " is not documented for " + method + " " + operation.template()
                    + " (documented: " + fieldNames(operation.node().path("responses")) + "); body:\n" + body);
        }
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = document.at(responsePointer);
        }
        for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
            JsonNode spec = header.getValue().has("$ref") ? document.at(header.getValue().get("$ref").asText().substring(1)) : header.getValue();
            if (spec.path("required").asBoolean(false) && header(headers, header.getKey()).isEmpty()) {
                throw new AssertionError(where + ": the required header " + header.getKey() + " is missing");
            }
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return;
        }
        if (!content.has(contentType)) {
            throw new AssertionError(where + ": content type '" + contentType + "' is not documented (documented: " + fieldNames(content) + ")");
        }
        if (contentType.endsWith("json")) {
            expectValid(where, responsePointer + "/content/" + SchemaCheck.escape(contentType) + "/schema", body);
        }
    }

    private void expectRequestValid(String where, Operation operation, String requestBody) {
        String pointer = operation.pointer() + "/requestBody";
        JsonNode spec = operation.node().path("requestBody");
        if (spec.has("$ref")) {
            pointer = spec.get("$ref").asText().substring(1);
            spec = document.at(pointer);
        }
        if (!spec.path("content").has("application/json")) {
            throw new AssertionError(where + ": the server accepted a JSON body, but the document declares none for this operation");
        }
        List<String> problems = schemas.problems(pointer + "/content/application~1json/schema", requestBody);
        if (!problems.isEmpty()) {
            throw new AssertionError(where + ": the server accepted a request body the document does not allow:\n  "
                    + String.join("\n  ", problems) + "\nrequest: " + requestBody);
        }
    }

    private void expectValid(String where, String schemaPointer, String body) {
        List<String> problems = schemas.problems(schemaPointer, body);
        if (!problems.isEmpty()) {
            throw new AssertionError(where + ": the body does not match " + schemaPointer + ":\n  " + String.join("\n  ", problems)
                    + "\nbody: " + body);
        }
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0)).findFirst();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static Pattern toPattern(String template) {
        StringBuilder regex = new StringBuilder("^");
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.append("/?$").toString());
    }
}
