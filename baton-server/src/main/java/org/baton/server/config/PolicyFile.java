package org.baton.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the per-resource-type policy YAML ({@code BATON_CONFIG}). Unknown keys and bad values are refused with
 * their YAML path, e.g. {@code resourceTypes.patient.queueMaxSize='-1': expected a whole number from 1 to 1000}.
 *
 * <pre>
 * resourceTypes:
 *   patient:
 *     maxConcurrentTabLocksPerUser: 10
 *     maxViewersPerChild: null        # unlimited
 *     leaseTtlSeconds: 300
 *     idleTimeoutSeconds: 1800
 *     upgradeMode: queue              # deny | queue | request
 *     queueMaxSize: 10
 *     queueAutoAcquire: true
 *     takeoverRoles: [admin, attending]
 * </pre>
 */
public final class PolicyFile {
    private static final List<String> KEYS = List.of("maxConcurrentTabLocksPerUser", "maxViewersPerChild", "leaseTtlSeconds",
            "idleTimeoutSeconds", "idleWarningSeconds", "disconnectGraceSeconds", "upgradeMode", "queueEnabled", "queueMaxSize",
            "queueAutoAcquire", "claimWindowSeconds", "takeoverRoles", "takeoverRequiresReason", "trackViewers");

    private PolicyFile() {
    }

    public static Map<String, ResourceTypePolicy> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("BATON_CONFIG='" + file + "': expected a readable YAML file (" + firstLine(e.getMessage()) + ")");
        }
        return parse(root);
    }

    static Map<String, ResourceTypePolicy> parse(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new ConfigException("BATON_CONFIG: expected a mapping with a 'resourceTypes' key");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("resourceTypes")) {
                throw new ConfigException(key + ": unknown key; expected resourceTypes");
            }
        }
        JsonNode types = root.path("resourceTypes");
        if (!types.isObject()) {
            throw new ConfigException("resourceTypes: expected a mapping of resource type to policy");
        }
        var result = new LinkedHashMap<String, ResourceTypePolicy>();
        for (var entry : types.properties()) {
            String type = entry.getKey();
            String at = "resourceTypes." + type;
            if (!type.matches("[a-z0-9_-]{1,64}")) {
                throw new ConfigException(at + ": expected a resource type of [a-z0-9_-]{1,64}");
            }
            result.put(type, policy(at, entry.getValue()));
        }
        return Map.copyOf(result);
    }

    private static ResourceTypePolicy policy(String at, JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(at + ": expected a mapping of policy keys");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new ConfigException(at + "." + key + ": unknown key; expected one of " + String.join(", ", KEYS));
            }
        }
        String upgrade = text(at, node, "upgradeMode", List.of("deny", "queue", "request"));
        Integer maxViewers = node.has("maxViewersPerChild") && node.get("maxViewersPerChild").isNull()
                ? Integer.valueOf(0) : integer(at, node, "maxViewersPerChild", 1, 100_000);
        return new ResourceTypePolicy(
                integer(at, node, "maxConcurrentTabLocksPerUser", 1, 1_000),
                maxViewers,
                seconds(at, node, "leaseTtlSeconds", 10, 3_600),
                seconds(at, node, "idleTimeoutSeconds", 60, 86_400),
                seconds(at, node, "idleWarningSeconds", 10, 86_400),
                seconds(at, node, "disconnectGraceSeconds", 0, 3_600),
                upgrade,
                bool(at, node, "queueEnabled"),
                integer(at, node, "queueMaxSize", 1, 1_000),
                bool(at, node, "queueAutoAcquire"),
                seconds(at, node, "claimWindowSeconds", 5, 600),
                roles(at, node, "takeoverRoles"),
                bool(at, node, "takeoverRequiresReason"),
                bool(at, node, "trackViewers"));
    }

    private static Integer integer(String at, JsonNode node, String key, int min, int max) {
        JsonNode value = node.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw new ConfigException(at + "." + key + "='" + value.asText() + "': expected a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    private static Duration seconds(String at, JsonNode node, String key, int min, int max) {
        Integer value = integer(at, node, key, min, max);
        return value == null ? null : Duration.ofSeconds(value);
    }

    private static Boolean bool(String at, JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new ConfigException(at + "." + key + "='" + value.asText() + "': expected true or false");
        }
        return value.asBoolean();
    }

    private static String text(String at, JsonNode node, String key, List<String> allowed) {
        JsonNode value = node.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            throw new ConfigException(at + "." + key + "='" + value.asText() + "': expected one of " + String.join(", ", allowed));
        }
        return value.asText();
    }

    private static Set<String> roles(String at, JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new ConfigException(at + "." + key + ": expected a non-empty list of role names");
        }
        var roles = new LinkedHashSet<String>();
        for (JsonNode role : value) {
            if (!role.isTextual() || !role.asText().matches("[a-z0-9_-]{1,64}")) {
                throw new ConfigException(at + "." + key + "='" + role.asText() + "': expected role names of [a-z0-9_-]");
            }
            roles.add(role.asText());
        }
        return Set.copyOf(roles);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
