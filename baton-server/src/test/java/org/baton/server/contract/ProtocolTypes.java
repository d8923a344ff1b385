package org.baton.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the TypeScript declarations of the protocol ({@code baton-client-js/types/protocol.d.ts}) from the contract
 * documents: one type per schema of the AsyncAPI document (which holds the shared schemas too), the REST problem
 * document, and the maps from event names to payloads in each direction. The browser client's hand-written
 * declarations import these, so the TypeScript a front end compiles against is the contract the tests enforce.
 *
 * <p>It reads the subset of JSON Schema the documents use: {@code $ref}, {@code allOf}, {@code type} (also as a list),
 * {@code properties}/{@code required}, {@code additionalProperties}, {@code items}, {@code enum}, {@code const}.
 */
final class ProtocolTypes {
    private final JsonNode asyncApi;
    private final JsonNode openApi;
    private final StringBuilder out = new StringBuilder();

    ProtocolTypes(ApiDocuments documents) {
        this.asyncApi = documents.asyncApi();
        this.openApi = documents.openApi();
    }

    String render() {
        out.append("// Baton's wire protocol as TypeScript declarations, generated from the AsyncAPI and OpenAPI documents\n")
                .append("// (baton-server/src/main/resources/baton/api/) by ProtocolTypesTest. Do not edit: change the documents,\n")
                .append("// run the test, and copy the file it writes (it says where).\n\n");
        for (Map.Entry<String, JsonNode> schema : asyncApi.path("components").path("schemas").properties()) {
            declare(schema.getKey(), schema.getValue());
        }
        declare("Problem", openApi.at("/components/schemas/Problem"));
        AsyncApiEvents events = new AsyncApiEvents();
        eventMap("ServerEvents", "Every event Baton sends, by name, to its data.", events.sent);
        eventMap("ClientEvents", "Every event a client may send, by name, to its data.", events.received);
        out.append("/** One WebSocket message: {event, data, ref?}; a direct answer carries its request's ref. */\n")
                .append("export interface Envelope<E extends string = string, D = unknown> {\n  event: E;\n  data: D;\n  ref?: string;\n}\n\n")
                .append("export type ServerEventName = keyof ServerEvents;\n")
                .append("export type ClientEventName = keyof ClientEvents;\n");
        return out.toString();
    }

    private void declare(String name, JsonNode schema) {
        doc(schema.path("description").asText(null), "");
        if (isObject(schema) && schema.has("properties")) {
            out.append("export interface ").append(name).append(" ").append(objectType(schema, "")).append("\n\n");
        } else {
            out.append("export type ").append(name).append(" = ").append(type(schema, "")).append(";\n\n");
        }
    }

    private void eventMap(String name, String description, Map<String, String> events) {
        doc(description, "");
        out.append("export interface ").append(name).append(" {\n");
        events.forEach((event, key) -> out.append("  \"").append(event).append("\": ").append(key).append("Data;\n"));
        out.append("}\n\n");
    }

    private String type(JsonNode schema, String indent) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return ref.substring(ref.lastIndexOf('/') + 1);
        }
        if (schema.has("allOf")) {
            List<String> parts = new ArrayList<>();
            String base = null;
            for (JsonNode part : schema.get("allOf")) {
                if (part.has("properties") || part.has("$ref") || part.has("type")) {
                    String t = type(part, indent);
                    base = base == null ? t : base;
                    parts.add(t);
                } else if (part.has("required") && base != null) {
                    String keys = streamText(part.get("required")).stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(" | "));
                    parts.add("Required<Pick<" + base + ", " + keys + ">>");
                }
            }
            return String.join(" & ", parts);
        }
        if (schema.has("const")) {
            return literal(schema.get("const"));
        }
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(literal(v)));
            String oneLine = String.join(" | ", values);
            return oneLine.length() <= 100 ? oneLine : "\n" + indent + "  | " + String.join("\n" + indent + "  | ", values);
        }
        JsonNode types = schema.path("type");
        if (types.isArray()) {
            List<String> union = new ArrayList<>();
            for (JsonNode t : types) {
                union.add(simple(t.asText(), schema, indent));
            }
            return String.join(" | ", union);
        }
        return types.isTextual() ? simple(types.asText(), schema, indent) : "unknown";
    }

    private String simple(String type, JsonNode schema, String indent) {
        return switch (type) {
            case "string" -> "string";
            case "integer", "number" -> "number";
            case "boolean" -> "boolean";
            case "null" -> "null";
            case "array" -> {
                String item = type(schema.path("items"), indent);
                yield item.matches("[A-Za-z0-9_]+") ? item + "[]" : "Array<" + item + ">";
            }
            case "object" -> objectType(schema, indent);
            default -> "unknown";
        };
    }

    private String objectType(JsonNode schema, String indent) {
        if (!schema.has("properties")) {
            JsonNode additional = schema.path("additionalProperties");
            return "Record<string, " + (additional.isObject() ? type(additional, indent) : "unknown") + ">";
        }
        List<String> required = streamText(schema.path("required"));
        StringBuilder object = new StringBuilder("{\n");
        String inner = indent + "  ";
        for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
            String description = property.getValue().path("description").asText(null);
            if (description != null) {
                object.append(inner).append("/** ").append(description.replace("*/", "* /")).append(" */\n");
            }
            object.append(inner).append(property.getKey()).append(required.contains(property.getKey()) ? ": " : "?: ")
                    .append(type(property.getValue(), inner)).append(";\n");
        }
        return object.append(indent).append("}").toString();
    }

    private static boolean isObject(JsonNode schema) {
        return schema.path("type").asText().equals("object");
    }

    private void doc(String description, String indent) {
        if (description != null && !description.isBlank()) {
            out.append(indent).append("/** ").append(description.strip().replace("*/", "* /").replace("\n", " ")).append(" */\n");
        }
    }

    private static String literal(JsonNode value) {
        return value.isTextual() ? "\"" + value.asText().replace("\"", "\\\"") + "\"" : value.toString();
    }

    private static List<String> streamText(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The event names of each direction, mapped to their message keys, from the operations of the AsyncAPI document. */
    private final class AsyncApiEvents {
        final Map<String, String> sent = new java.util.LinkedHashMap<>();
        final Map<String, String> received = new java.util.LinkedHashMap<>();

        AsyncApiEvents() {
            for (JsonNode operation : asyncApi.path("operations")) {
                boolean batonSends = operation.path("action").asText().equals("send");
                for (JsonNode message : operation.path("messages")) {
                    put(batonSends ? sent : received, message);
                }
            }
            for (JsonNode operation : asyncApi.path("operations")) {
                for (JsonNode message : operation.path("reply").path("messages")) {
                    put(sent, message);
                }
            }
        }

        private void put(Map<String, String> into, JsonNode messageRef) {
            String key = messageRef.path("$ref").asText();
            key = key.substring(key.lastIndexOf('/') + 1);
            into.putIfAbsent(asyncApi.path("components").path("messages").path(key).path("name").asText(), key);
        }
    }
}
