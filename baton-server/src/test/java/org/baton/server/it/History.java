package org.baton.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.baton.server.http.Json;

/**
 * RELIABILITY's history check, shared by the single-node and the cluster fault tests: clients acquire, extend, save,
 * autosave and release at random on a set of records through a {@link Target} (one server, or a load balancer in
 * front of several) while faults happen; every operation is recorded (invoked, completed, outcome), then checked:
 * never two editors at once, fences strictly increasing per resource, every acknowledged save in the record history
 * as a strict chain of versions under then-current fences, every acknowledged draft still restorable.
 */
final class History {
    /** Where the clients' requests go. */
    @FunctionalInterface
    interface Target {
        URI base();
    }

    final List<String> resources;
    final Duration leaseTtl;
    final List<String> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** @param leaseTtl the servers' lease TTL: a lease not renewed for this long may legitimately pass to the next editor */
    History(List<String> resources, Duration leaseTtl) {
        this.resources = resources;
        this.leaseTtl = leaseTtl;
    }

    /** Creates the records the history edits. */
    void createRecords(Target server) throws IOException, InterruptedException {
        for (String resource : resources) {
            String id = resource.split(":")[1];
            var created = call(server, "POST", "/api/records/catheter", "admin", null, Map.of("id", id, "fields",
                    Map.of("patient_id", "p-1", "catheter_type", "epidural", "site", "L3-4")), Map.of());
            if (created.statusCode() != 201) {
                throw new IllegalStateException("could not create " + id + ": " + created.body());
            }
        }
    }

    /** One operation of the history. */
    record Op(String client, String kind, String resource, long invokedNanos, long completedNanos, int status, String leaseId, long fence,
              long version, String note) {
        boolean ok() {
            return status == 200;
        }

        boolean unknown() {
            return status < 0;
        }
    }

    final ConcurrentLinkedQueue<Op> history = new ConcurrentLinkedQueue<>();

    void awaitOperations(int more) {
        int target = history.size() + more;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> history.size() >= target);
    }

    // ---- the clients -------------------------------------------------------------------------------------------

    void runClient(Target server, String user, SplittableRandom random, AtomicBoolean running) {
        clients.add(user);
        String[] session = {null};
        Map<String, String[]> held = new HashMap<>(); // resource -> {leaseId, fence}
        int n = 0;
        while (running.get()) {
            String resource = resources.get(random.nextInt(resources.size()));
            String path = "/api/records/catheter/" + resource.split(":")[1];
            String[] lease = held.get(resource);
            int dice = random.nextInt(100);
            n++;
            if (lease == null) {
                Op op = record(user, "acquire", resource, null, 0, 0, null, () -> call(server, "POST", "/api/locks/acquire", user, session,
                        Map.of("resourceId", resource), Map.of()));
                if (op.ok()) {
                    held.put(resource, new String[] {op.leaseId(), Long.toString(op.fence())});
                } else if (op.unknown()) {
                    resync(server, user, session, resource, held);
                }
            } else if (dice < 25) {
                Op op = record(user, "extend", resource, lease[0], Long.parseLong(lease[1]), 0, null, () -> call(server, "POST", "/api/locks/extend",
                        user, session, Map.of("resourceId", resource, "leaseId", lease[0], "active", true), Map.of()));
                if (op.status() == 403 || op.status() == 410) {
                    held.remove(resource);
                }
            } else if (dice < 65) {
                long version = currentVersion(server, user, path);
                String note = user + "#" + n;
                record(user, "save", resource, lease[0], Long.parseLong(lease[1]), version, note, () -> call(server, "PUT", path, user, session,
                        Map.of("fields", Map.of("notes", note)), Map.of("If-Match", "\"" + version + "\"", "X-Lease-Id", lease[0])));
            } else if (dice < 85) {
                String note = user + "~draft#" + n;
                record(user, "draft", resource, lease[0], 0, 0, note, () -> call(server, "POST", "/api/autosave/save", user, session,
                        Map.of("resourceId", resource, "data", Map.of("fields", Map.of("notes", note))), Map.of()));
            } else {
                Op op = record(user, "release", resource, lease[0], Long.parseLong(lease[1]), 0, null, () -> call(server, "POST", "/api/locks/release",
                        user, session, Map.of("resourceId", resource, "leaseId", lease[0]), Map.of()));
                if (!op.unknown()) {
                    held.remove(resource);
                } else {
                    resync(server, user, session, resource, held);
                }
            }
        }
        for (Map.Entry<String, String[]> entry : held.entrySet()) {
            String resource = entry.getKey();
            record(user, "release", resource, entry.getValue()[0], Long.parseLong(entry.getValue()[1]), 0, null, () -> call(server, "POST",
                    "/api/locks/release", user, session, Map.of("resourceId", resource, "leaseId", entry.getValue()[0]), Map.of()));
        }
    }

    /** After an unknown outcome, ask the server what this session holds (a real client does the same on reconnect). */
    private void resync(Target server, String user, String[] session, String resource, Map<String, String[]> held) {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                var reply = call(server, "GET", "/api/locks/check/catheter/" + resource.split(":")[1], user, session, null, Map.of());
                JsonNode body = Json.mapper().readTree(reply.body());
                if (body.hasNonNull("lease")) {
                    String leaseId = body.at("/lease/leaseId").asText();
                    long fence = body.at("/lease/fencingToken").asLong();
                    long now = System.nanoTime();
                    history.add(new Op(user, "adopt", resource, now, now, 200, leaseId, fence, 0, null));
                    held.put(resource, new String[] {leaseId, Long.toString(fence)});
                } else {
                    held.remove(resource);
                }
                return;
            } catch (IOException | InterruptedException e) {
                org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
        }
    }

    private long currentVersion(Target server, String user, String path) {
        try {
            return Json.mapper().readTree(call(server, "GET", path, user, null, null, Map.of()).body()).path("version").asLong(1);
        } catch (IOException | InterruptedException e) {
            return 1;
        }
    }

    @FunctionalInterface
    interface Call {
        HttpResponse<String> run() throws IOException, InterruptedException;
    }

    private Op record(String client, String kind, String resource, String leaseId, long fence, long version, String note, Call call) {
        long invoked = System.nanoTime();
        int status;
        String newLease = leaseId;
        long newFence = fence;
        long newVersion = version;
        try {
            HttpResponse<String> reply = call.run();
            status = reply.statusCode();
            if (status == 200 && (kind.equals("acquire") || kind.equals("save"))) {
                JsonNode body = Json.mapper().readTree(reply.body());
                if (kind.equals("acquire")) {
                    newLease = body.at("/lease/leaseId").asText();
                    newFence = body.at("/lease/fencingToken").asLong();
                } else {
                    newVersion = body.path("version").asLong();
                    newFence = body.path("fencingToken").asLong();
                }
            }
        } catch (IOException | InterruptedException e) {
            status = -1;
        }
        Op op = new Op(client, kind, resource, invoked, System.nanoTime(), status, newLease, newFence, newVersion, note);
        history.add(op);
        return op;
    }

    private HttpResponse<String> call(Target server, String method, String path, String user, String[] session, Object body,
                                      Map<String, String> headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(server.base().resolve(path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ServerProcess.token(user, "nurse"));
        if (session != null && session[0] != null) {
            request.header("X-Session-Id", session[0]);
        }
        headers.forEach(request::header);
        HttpResponse<String> reply = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (session != null) {
            reply.headers().firstValue("X-Session-Id").ifPresent(s -> session[0] = s);
        }
        return reply;
    }

    // ---- the checker -------------------------------------------------------------------------------------------

    static final class Report {
        int grants;
        int saves;
        int drafts;
        final List<String> violations = new ArrayList<>();
    }

    Report check(Target server) throws Exception {
        Report report = new Report();
        List<Op> ops = new ArrayList<>(history);
        for (String resource : resources) {
            // grants (acknowledged, or adopted after an unknown outcome), in fence order
            Map<Long, Op> grantsByFence = new LinkedHashMap<>();
            for (Op op : ops) {
                if (op.resource().equals(resource) && op.ok() && (op.kind().equals("acquire") || op.kind().equals("adopt"))) {
                    Op previous = grantsByFence.putIfAbsent(op.fence(), op);
                    if (previous != null && !previous.leaseId().equals(op.leaseId())) {
                        report.violations.add(resource + ": fence " + op.fence() + " granted twice");
                    }
                }
            }
            List<Op> grants = new ArrayList<>(grantsByFence.values());
            grants.sort(Comparator.comparingLong(Op::fence));
            report.grants += grants.size();
            for (int i = 1; i < grants.size(); i++) {
                Op before = grants.get(i - 1);
                Op after = grants.get(i);
                if (after.completedNanos() < before.invokedNanos()) {
                    report.violations.add(resource + ": fence " + after.fence() + " completed before fence " + before.fence() + " was asked for");
                }
                boolean releaseAsked = ops.stream().anyMatch(op -> op.kind().equals("release") && before.leaseId().equals(op.leaseId())
                        && op.invokedNanos() < after.completedNanos());
                long lastRenewal = ops.stream().filter(op -> before.leaseId().equals(op.leaseId()) && !op.unknown()
                                && (op.kind().equals("extend") || op == before) && (op.ok() || op == before))
                        .mapToLong(Op::invokedNanos).max().orElse(before.invokedNanos());
                boolean expired = after.completedNanos() >= lastRenewal + leaseTtl.toNanos();
                if (!releaseAsked && !expired) {
                    report.violations.add(resource + ": " + after.client() + " was granted fence " + after.fence() + " while " + before.client()
                            + " held fence " + before.fence() + " and had not released it (two editors at once)");
                }
            }
            // saves: the history is a strict chain, every acknowledged save is in it, under a then-current fence
            String id = resource.split(":")[1];
            JsonNode versions = Json.mapper().readTree(call(server, "GET", "/api/records/catheter/" + id + "/history", "admin", null, null, Map.of())
                    .body()).path("versions");
            long lastFence = 0;
            for (int v = 0; v < versions.size(); v++) {
                JsonNode version = versions.get(v);
                if (version.path("version").asLong() != v + 1) {
                    report.violations.add(resource + ": history version " + version.path("version").asLong() + " at position " + (v + 1));
                }
                if (v > 0) {
                    long fence = version.path("fencingToken").asLong();
                    if (fence < lastFence) {
                        report.violations.add(resource + ": version " + (v + 1) + " written under fence " + fence + " after fence " + lastFence);
                    }
                    lastFence = fence;
                    String savedBy = version.path("updatedBy").asText();
                    Op grant = grantsByFence.get(fence);
                    if (grant != null && !grant.client().equals(savedBy)) {
                        report.violations.add(resource + ": version " + (v + 1) + " by " + savedBy + " under " + grant.client() + "'s fence " + fence);
                    }
                }
            }
            for (Op save : ops) {
                if (save.resource().equals(resource) && save.kind().equals("save") && save.ok()) {
                    report.saves++;
                    JsonNode stored = save.version() >= 1 && save.version() <= versions.size() ? versions.get((int) save.version() - 1) : null;
                    if (stored == null || !save.note().equals(stored.at("/fields/notes").asText())) {
                        report.violations.add(resource + ": acknowledged save " + save.note() + " as version " + save.version() + " is not in the history");
                    } else if (stored.path("fencingToken").asLong() != save.fence()) {
                        report.violations.add(resource + ": save " + save.note() + " recorded under another fence");
                    }
                }
            }
            // drafts: the last acknowledged draft of each client is restorable unless a later save of theirs may have removed it
            for (String client : clients) {
                Op lastDraft = null;
                for (Op op : ops) {
                    if (op.client().equals(client) && op.resource().equals(resource) && op.kind().equals("draft") && !op.unknown()) {
                        lastDraft = op.ok() ? op : lastDraft;
                    }
                }
                if (lastDraft == null) {
                    continue;
                }
                Op draft = lastDraft;
                boolean laterWrite = ops.stream().anyMatch(op -> op.client().equals(client) && op.resource().equals(resource)
                        && op.invokedNanos() > draft.invokedNanos() && (op.kind().equals("save") || op.kind().equals("draft")) && (op.ok() || op.unknown()));
                if (laterWrite) {
                    continue;
                }
                report.drafts++;
                var restored = call(server, "GET", "/api/autosave/restore/catheter/" + id, client, null, null, Map.of());
                String notes = restored.statusCode() == 200 ? Json.mapper().readTree(restored.body()).at("/data/fields/notes").asText() : "(missing)";
                if (!draft.note().equals(notes)) {
                    report.violations.add(resource + ": " + client + "'s acknowledged draft " + draft.note() + " restored as " + notes);
                }
            }
        }
        return report;
    }
}
