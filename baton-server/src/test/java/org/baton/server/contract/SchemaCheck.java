package org.baton.server.contract;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON text against a schema inside one of the contract documents, found by its JSON pointer, with every
 * {@code $ref} resolved within that document (networknt json-schema-validator; formats asserted, not just annotated).
 */
final class SchemaCheck {
    private final String documentIri;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    SchemaCheck(String documentIri, String documentJson, Dialect dialect) {
        this.documentIri = documentIri;
        this.registry = SchemaRegistry.withDefaultDialect(dialect, builder -> builder
                .schemas(Map.of(documentIri, documentJson))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The problems of {@code json} against the schema at {@code pointer} ("/components/schemas/Lease"); empty when valid. */
    List<String> problems(String pointer, String json) {
        Schema schema = schemas.computeIfAbsent(pointer, p -> {
            Schema loaded = registry.getSchema(SchemaLocation.of(documentIri + "#" + p));
            loaded.initializeValidators();
            return loaded;
        });
        return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    /** A JSON pointer segment: '~' and '/' escaped (RFC 6901). */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
