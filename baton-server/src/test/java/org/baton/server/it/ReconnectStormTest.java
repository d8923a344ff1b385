package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconnect storm (issue 16; RELIABILITY promises 4 and 9): {@value #DEFAULT_CLIENTS} WebSocket clients (2,000 under
 * {@code ./test.sh --soak}, system property {@code baton.storm.clients}), each holding the lock of its own record and
 * viewing its ward's shared record ({@value StormTab#WARD_SIZE} clients a ward). Each heartbeats its lease right before
 * the kill, as the browser client does every minute. The server is killed ({@code kill -9}) and started again on the
 * same data; every client reconnects with the browser client's policy (capped exponential backoff
 * with equal jitter, 500 ms then doubling up to 8 s, as {@code lock/backoff.js}) and resumes its session. All must
 * re-attach within the 15 s of the new server being ready; each then extends its lease over the resumed
 * connection and gets the same lease and fencing token (with the product's default 30 s grace at every size, so no grace may run out before its client is back); a
 * rival asking for every record is refused (0 double holders); the new server's file descriptors and memory (the heap it
 * retains after a full collection) stay within bounds of the old one's at the same load.
 */
@RunsAlone
class ReconnectStormTest {
    static final int DEFAULT_CLIENTS = 300;

    @TempDir
    Path dir;
    final HttpClient rest = HttpClient.newHttpClient();
    final ScheduledExecutorService retries = Executors.newScheduledThreadPool(2);
    final StormTab.Storm storm = new StormTab.Storm(new LightClient.Sockets(), retries);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void afterAKill_everyClientReattachesWithin15s_withItsLeaseAndFence_andNoRecordHasTwoHolders() throws Exception {
        int n = Integer.getInteger("baton.storm.clients", DEFAULT_CLIENTS);
        // The product's default grace (30 s): a restarted server starts its predecessor's graces only once it serves, so
        // the time to start a JVM and release 4,000 resources no longer eats into them (it did before; the soak then needed 120 s).
        String grace = "30";
        try (ServerProcess server = new ServerProcess(dir, Map.of("BATON_MAX_CONNECTIONS_PER_USER", "20", "LOCK_GRACE_PERIOD", grace))) {
            server.start();
            String origin = server.base().toString().replaceAll("/$", "");
            URI ws = URI.create("ws://127.0.0.1:" + server.port + "/ws");
            List<StormTab> tabs = StormTab.many(storm, n);
            long t0 = System.nanoTime();
            StormTab.connectAndHold(tabs, ws, origin);
            double setup = (System.nanoTime() - t0) / 1e9;
            // As the browser client does every LOCK_HEARTBEAT_INTERVAL: at 2,000 clients the setup alone takes minutes here.
            int renewed = heartbeatRound(tabs, "server-1.log").sameLease();
            System.out.printf("storm: %d clients connected, each holding its record and viewing its ward, in %.1f s; %d leases renewed"
                    + " right before the kill%n", n, setup, renewed);
            long fdsBefore = fileDescriptors(server);
            long rssBefore = residentKb(server);
            long liveBefore = liveHeapKb(server);

            int attemptsBefore = tabs.stream().mapToInt(t -> t.attempts.get()).sum();
            int exit = server.kill();
            long killedAt = System.nanoTime();
            for (StormTab tab : tabs) {
                tab.client.closed.get(30, TimeUnit.SECONDS);
                tab.reconnect(ws, origin);
            }
            server.start();
            long readyAt = System.nanoTime();
            Map<String, Integer> refusalsBeforeReady = Map.copyOf(storm.refusals());
            long reattachedAll = 0;
            List<Long> reattachTimes = new ArrayList<>();
            for (StormTab tab : tabs) {
                long at = within(tab.reattached, tab.user + " re-attached");
                reattachTimes.add(at - readyAt);
                reattachedAll = Math.max(reattachedAll, at);
            }
            reattachTimes.sort(Long::compare);
            double afterReady = (reattachedAll - readyAt) / 1e9;
            double afterKill = (reattachedAll - killedAt) / 1e9;
            double restart = (readyAt - killedAt) / 1e9;

            Round after = heartbeatRound(tabs, "server-2.log");
            String rival = ServerProcess.token("storm-rival", "nurse");
            int refused = 0;
            int doubleHolders = 0;
            for (StormTab tab : tabs) {
                HttpResponse<String> answer = rest.send(HttpRequest.newBuilder(server.base().resolve("/api/locks/acquire"))
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("resourceId", tab.resource))))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + rival).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 409 && Json.readTree(answer.body()).at("/holder/userId").asText().equals(tab.user)) {
                    refused++;
                } else if (answer.statusCode() == 200) {
                    doubleHolders++;
                }
            }
            long fdsAfter = fileDescriptors(server);
            long rssAfter = residentKb(server);
            long liveAfter = liveHeapKb(server);
            int attempts = tabs.stream().mapToInt(t -> t.attempts.get()).sum() - attemptsBefore;
            System.out.printf("storm: %s, %d clients, grace %s s; kill -9 (exit %d), restart ready %.1f s after the kill; all %d re-attached %.1f s after the"
                            + " new server was ready (%.1f s after the kill; half by %.1f s, 90%% by %.1f s), %d connection attempts (backoff with jitter); %d of %d extended"
                            + " the same lease with the same fence (%s); a rival refused on %d of %d records, %d double holders; server FDs"
                            + " %d before, %d after; RSS %d MiB before, %d MiB after; heap live after a full GC %d MiB before, %d MiB after; releases by the new server: %s; refusals and retries on"
                            + " the way: %s, of which after the new server was ready: %s%n",
                    TestBaton.POSTGRES ? "PostgreSQL" : "SQLite", n, grace, exit, restart, n, afterReady, afterKill, reattachTimes.get(n / 2) / 1e9, reattachTimes.get(n * 9 / 10) / 1e9, attempts, after.sameLease(), n,
                    after.failures(), refused, n, doubleHolders, fdsBefore, fdsAfter, rssBefore >> 10, rssAfter >> 10, liveBefore >> 10, liveAfter >> 10,
                    releases(server), storm.refusals(), since(refusalsBeforeReady, storm.refusals()));
            try (var log = Files.lines(dir.resolve("server-2.log"))) {
                log.filter(l -> l.contains(" ERROR ") || l.startsWith("Caused by") || l.contains("Exception:")).limit(12).forEach(l -> System.out.println("storm: server error: " + l));
            }
            // The 15 s at every size and on both stores: one full backoff step (8 s: a client whose attempt failed just
            // before the server came back waits that long) and 7 s of handshakes. On PostgreSQL at 2,000 some resumes still queue
            // for the pool of 10 and are closed with 1013, and those clients back off again: 10.0 s with the 8 s cap, 21.8-30.9 s
            // with the old 15 s one (docs/reliability.md gives the figures).
            double bound = 15;
            assertThat(afterReady).as("every client re-attached within %.0f s after the restart", bound).isLessThan(bound);
            assertThat(after.sameLease()).as("leases and fences intact (%s)", after.failures()).isEqualTo(n);
            assertThat(doubleHolders).as("double holders").isZero();
            assertThat(refused).as("the rival is refused by the original holder on every record").isEqualTo(n);
            assertThat(fdsAfter).as("file descriptors bounded").isLessThan(fdsBefore + 100);
            // Retained memory, not the resident size: a JVM keeps the heap it grew to for a burst (at 2,000 clients on PostgreSQL
            // the resumes queue ~1,300 waiters for the pool and RSS went from 405 to 854 MiB) although it holds no more than before.
            assertThat(liveAfter).as("memory bounded: heap live after a full GC (KiB)").isLessThan(liveBefore * 2);
            tabs.forEach(t -> t.client.abort());
        } finally {
            retries.shutdownNow();
        }
    }

    /** {@link #heartbeatRound(List)}; when it fails, prints what the server said in {@code serverLog} (warnings, errors) first. */
    private Round heartbeatRound(List<StormTab> tabs, String serverLog) throws Exception {
        try {
            return heartbeatRound(tabs);
        } catch (AssertionError | RuntimeException e) {
            try (var log = Files.lines(dir.resolve(serverLog))) {
                log.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception")).limit(30)
                        .forEach(l -> System.out.println("storm: " + serverLog + " said: " + l));
            }
            throw e;
        }
    }

    /** How a heartbeat round went: tabs that kept their lease and fence, and why the others did not. */
    record Round(int sameLease, Map<String, Integer> failures) {
    }

    /**
     * Every tab heartbeats its lease once over its current connection; waits for every answer, 60 s in all (not 60 s each:
     * a round with many unanswered heartbeats would otherwise outlast the test's timeout). A heartbeat answered
     * {@code STORE_UNAVAILABLE} is sent again after a second, as the browser client does.
     */
    static Round heartbeatRound(List<StormTab> tabs) throws Exception {
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (StormTab tab : tabs) {
            answers.add(tab.heartbeat());
        }
        int same = 0;
        Map<String, Integer> failures = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < tabs.size(); i++) {
            try {
                JsonNode extension = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (tabs.get(i).sameLease(extension)) {
                    same++;
                } else {
                    failures.merge("another lease or fence", 1, Integer::sum);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                failures.merge(e.getCause().getMessage().replaceAll("^storm-\\d+'s ", ""), 1, Integer::sum);
            } catch (java.util.concurrent.TimeoutException e) {
                failures.merge("no answer within 60 s", 1, Integer::sum);
            }
        }
        return new Round(same, failures);
    }

    /** The counts in {@code now} beyond those in {@code before}. */
    static Map<String, Integer> since(Map<String, Integer> before, Map<String, Integer> now) {
        Map<String, Integer> more = new java.util.TreeMap<>();
        now.forEach((what, count) -> {
            int added = count - before.getOrDefault(what, 0);
            if (added > 0) {
                more.put(what, added);
            }
        });
        return more;
    }

    /** The new server's lock releases by cause (Prometheus), e.g. a grace that ran out before its client came back. */
    static Map<String, String> releases(ServerProcess server) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/metrics"))
                .header("Authorization", "Bearer " + ServerProcess.token("storm-admin", "admin")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> causes = new java.util.TreeMap<>();
        metrics.body().lines().filter(l -> l.startsWith("baton_lock_released_total{")).forEach(l ->
                causes.put(l.replaceAll(".*cause=\"([^\"]*)\".*", "$1"), l.substring(l.lastIndexOf(' ') + 1)));
        return causes;
    }

    private <T> T within(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no " + what + " within 60 s; refusals on the way: " + storm.refusals(), e);
        }
    }

    static long fileDescriptors(ServerProcess server) throws Exception {
        try (var fds = Files.list(Path.of("/proc", Long.toString(server.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** The server's heap in use right after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}): what it retains. */
    static long liveHeapKb(ServerProcess server) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        jcmd(jcmd, server, "GC.run");
        String info = jcmd(jcmd, server, "GC.heap_info");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("heap\\s+total.*?, used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new AssertionError("no heap figure in jcmd's answer: " + info);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(Path jcmd, ServerProcess server, String command) throws Exception {
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    static long residentKb(ServerProcess server) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }
}
