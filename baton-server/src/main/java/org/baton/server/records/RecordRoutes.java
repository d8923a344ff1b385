package org.baton.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.baton.core.record.FieldSpec;
import org.baton.core.record.RecordSchema;
import org.baton.core.record.RecordStore;
import org.baton.core.record.VersionedRecord;
import org.baton.server.audit.RequestAudit;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;
import org.baton.server.locks.Requests;

/**
 * The record API of PROTOCOL.md: types, list, create, read (with {@code ETag}), guarded save ({@code If-Match} and
 * {@code X-Lease-Id}), history and merge proposals. Every written version and every refused save (412, 423) is audited
 * with the caller's address ({@link RequestAudit}).
 */
public final class RecordRoutes implements RouteGroup {
    /** The lease that guards a save. */
    public static final String LEASE_HEADER = "X-Lease-Id";
    /** Optional: the fencing token of that lease, checked too when given. */
    public static final String FENCE_HEADER = "X-Fencing-Token";
    private static final Pattern ETAG = Pattern.compile("^\\s*(?:W/)?\"(\\d{1,18})\"\\s*$");
    private final RecordService records;
    private final RequestAudit audit;

    public RecordRoutes(RecordService records, RequestAudit audit) {
        this.records = records;
        this.audit = audit;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/record-types", ctx -> {
            Map<String, Object> types = new LinkedHashMap<>();
            records.types().all().forEach((name, schema) -> types.put(name, describe(schema)));
            ctx.json(Map.of("types", types));
        });
        routes.get("/api/records/{type}", ctx -> {
            String type = ctx.pathParam("type");
            records.schema(type);
            int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            int limit = intParam(ctx, "limit", 50, 1, 500);
            boolean summaries = records.limitsViewers(type);
            var items = records.store().list(type, offset, limit).stream().map(r -> {
                Map<String, Object> item = RecordService.wire(r);
                if (summaries) {
                    item.remove("fields");
                }
                return item;
            }).toList();
            ctx.json(Map.of("items", items, "total", records.store().count(type), "offset", offset, "limit", limit));
        });
        routes.post("/api/records/{type}", ctx -> {
            JsonNode body = Json.readTree(ctx.body());
            JsonNode id = body.get("id");
            if (id != null && !id.isNull() && !id.isTextual()) {
                throw ApiException.badRequest("INVALID_FIELD", "'id' must be a string.");
            }
            VersionedRecord created = records.create(RequestAuth.identity(ctx), ctx.pathParam("type"),
                    id == null || id.isNull() ? null : id.asText(), body.get("fields"), savedEntry(ctx));
            ctx.status(201).header("Location", "/api/records/" + created.type() + "/" + created.id());
            respond(ctx, created);
        });
        routes.get("/api/records/{type}/{id}", ctx -> {
            records.requireReadable(RequestAuth.identity(ctx), ctx.pathParam("type"), ctx.pathParam("id"));
            respond(ctx, records.get(ctx.pathParam("type"), ctx.pathParam("id")));
        });
        routes.get("/api/records/{type}/{id}/history", ctx -> {
            records.requireReadable(RequestAuth.identity(ctx), ctx.pathParam("type"), ctx.pathParam("id"));
            ctx.json(Map.of("versions", records.history(ctx.pathParam("type"), ctx.pathParam("id")).stream().map(RecordService::wire).toList()));
        });
        routes.put("/api/records/{type}/{id}", ctx -> {
            long expected = ifMatch(ctx);
            JsonNode body = Json.readTree(ctx.body());
            VersionedRecord saved;
            try {
                saved = records.save(RequestAuth.identity(ctx), ctx.pathParam("type"), ctx.pathParam("id"),
                        ctx.queryParam("child"), expected, body.get("fields"), ctx.header(LEASE_HEADER), fence(ctx), savedEntry(ctx));
            } catch (ApiException refused) {
                int status = refused.problem().status();
                if (status == 412 || status == 423) {
                    audit.recordSaveRefused(RequestAuth.identity(ctx), RequestAuth.origin(ctx), ctx.pathParam("type") + ":" + ctx.pathParam("id"),
                            refused.problem().code(), expected, ctx.queryParam("child"));
                }
                throw refused;
            }
            respond(ctx, saved);
        });
        routes.post("/api/records/{type}/{id}/merge", ctx -> {
            JsonNode body = Json.readTree(ctx.body());
            Long base = Requests.wholeNumber(body, "baseVersion", 1);
            if (base == null) {
                throw ApiException.badRequest("INVALID_FIELD", "'baseVersion' must be the record version the edit started from.");
            }
            records.requireReadable(RequestAuth.identity(ctx), ctx.pathParam("type"), ctx.pathParam("id"));
            ctx.json(records.propose(ctx.pathParam("type"), ctx.pathParam("id"), base, body.get("fields")));
        });
    }

    /**
     * The audit entry of a version this request writes, committed in the same transaction as the version (on the
     * store's writer thread, so the caller's identity and address are taken here, on the request's).
     */
    private RecordStore.SaveAudit savedEntry(Context ctx) {
        var who = RequestAuth.identity(ctx);
        var origin = RequestAuth.origin(ctx);
        return written -> audit.recordSavedEntry(who, origin, written);
    }

    private static void respond(Context ctx, VersionedRecord record) {
        ctx.header("ETag", "\"" + record.version() + "\"");
        ctx.json(RecordService.wire(record));
    }

    private static long ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
        if (header == null || header.isBlank()) {
            throw ApiException.of(428, "PRECONDITION_REQUIRED", "A save needs If-Match: \"<version>\" naming the version you edited.");
        }
        Matcher m = ETAG.matcher(header);
        if (!m.matches()) {
            throw ApiException.of(428, "PRECONDITION_REQUIRED", "If-Match must name one version, like \"7\"; '*' and lists are not accepted.");
        }
        return Long.parseLong(m.group(1));
    }

    private static Long fence(Context ctx) {
        String header = ctx.header(FENCE_HEADER);
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("INVALID_FIELD", FENCE_HEADER + " must be a whole number.");
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest("INVALID_FIELD", "'" + name + "' must be a whole number from " + min + " to " + max + ".");
    }

    static Map<String, Object> describe(RecordSchema schema) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldSpec f : schema.fields().values()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("type", f.type().name().toLowerCase(java.util.Locale.ROOT));
            spec.put("label", f.label());
            spec.put("required", f.required());
            spec.put("clinical", f.clinical());
            spec.put("section", f.section());
            if (!f.options().isEmpty()) {
                spec.put("options", f.options());
            }
            fields.put(f.name(), spec);
        }
        return Map.of("label", schema.label(), "sections", schema.sections(), "fields", fields);
    }
}
