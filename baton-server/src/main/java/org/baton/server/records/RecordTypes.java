package org.baton.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.baton.core.record.FieldSpec;
import org.baton.core.record.FieldType;
import org.baton.core.record.RecordSchema;
import org.baton.server.config.ConfigException;

/**
 * The record types Baton stores, read once at start from YAML ({@code BATON_RECORD_TYPES}, else the APS demo's
 * five types shipped in {@code baton/record-types.yaml}). A bad file stops start-up with the YAML path of the
 * problem, like the policy file.
 */
public final class RecordTypes {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final Set<String> FIELD_KEYS = Set.of("name", "label", "type", "required", "clinical", "section", "options");
    private final Map<String, RecordSchema> types;

    private RecordTypes(Map<String, RecordSchema> types) {
        this.types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    public static RecordTypes of(Map<String, RecordSchema> types) {
        return new RecordTypes(types);
    }

    /** The file's types, or the shipped demo types when {@code file} is null. */
    public static RecordTypes load(Path file) {
        String source = file == null ? "baton/record-types.yaml" : file.toString();
        try (InputStream in = file == null ? RecordTypes.class.getClassLoader().getResourceAsStream(source) : Files.newInputStream(file)) {
            if (in == null) {
                throw new ConfigException("BATON_RECORD_TYPES: the built-in record types are missing from the jar");
            }
            return parse(new ObjectMapper(new YAMLFactory()).readTree(in), source);
        } catch (IOException e) {
            throw new ConfigException("BATON_RECORD_TYPES='" + source + "': expected a readable YAML file (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    static RecordTypes parse(JsonNode root, String source) {
        JsonNode types = root == null ? null : root.get("recordTypes");
        if (types == null || !types.isObject() || types.isEmpty()) {
            throw new ConfigException("BATON_RECORD_TYPES='" + source + "': expected a 'recordTypes:' map with at least one type");
        }
        Map<String, RecordSchema> schemas = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> type = it.next();
            String at = "recordTypes." + type.getKey();
            if (!NAME.matcher(type.getKey()).matches()) {
                throw bad(source, at, "a type name of lower-case letters, digits, '_' or '-'");
            }
            JsonNode fields = type.getValue().path("fields");
            if (!fields.isArray() || fields.isEmpty()) {
                throw bad(source, at + ".fields", "a list of fields");
            }
            Map<String, FieldSpec> specs = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                FieldSpec spec = field(fields.get(i), source, at + ".fields[" + i + "]");
                if (specs.put(spec.name(), spec) != null) {
                    throw bad(source, at + ".fields[" + i + "].name", "a name not used by another field");
                }
            }
            schemas.put(type.getKey(), new RecordSchema(type.getKey(), type.getValue().path("label").asText(null), specs));
        }
        return new RecordTypes(schemas);
    }

    private static FieldSpec field(JsonNode node, String source, String at) {
        if (!node.isObject()) {
            throw bad(source, at, "a field like {name: dose_mg, type: number}");
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!FIELD_KEYS.contains(key)) {
                throw bad(source, at + "." + key, "one of " + FIELD_KEYS);
            }
        }
        String name = node.path("name").asText("");
        if (!Pattern.matches("[A-Za-z][A-Za-z0-9_]{0,63}", name)) {
            throw bad(source, at + ".name", "a field name of letters, digits and '_'");
        }
        FieldType type;
        try {
            type = FieldType.valueOf(node.path("type").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(source, at + ".type", "one of text, number, integer, boolean, date, datetime, choice");
        }
        List<String> options = new ArrayList<>();
        node.path("options").forEach(o -> options.add(o.asText()));
        if (type == FieldType.CHOICE && options.isEmpty()) {
            throw bad(source, at + ".options", "a list of allowed values for a choice field");
        }
        String section = node.path("section").asText("main");
        if (!NAME.matcher(section).matches()) {
            throw bad(source, at + ".section", "a section name of lower-case letters, digits, '_' or '-'");
        }
        return new FieldSpec(name, node.path("label").asText(null), type, node.path("required").asBoolean(false),
                node.path("clinical").asBoolean(false), section, options);
    }

    private static ConfigException bad(String source, String at, String expected) {
        return new ConfigException("BATON_RECORD_TYPES='" + source + "': " + at + ": expected " + expected);
    }

    public Optional<RecordSchema> find(String type) {
        return Optional.ofNullable(types.get(type));
    }

    public Map<String, RecordSchema> all() {
        return types;
    }
}
