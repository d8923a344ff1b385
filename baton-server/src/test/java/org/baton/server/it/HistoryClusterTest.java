package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY's history check scaled out (issue 11): 20 clients work at random on 50 records through HAProxy in
 * front of three Baton instances on one PostgreSQL, while one instance after another is killed with {@code kill -9}
 * every few seconds and started again. The checker then finds no two editors at once, fences strictly increasing
 * per record, every acknowledged save in its record's history under the then-current fence, and every acknowledged
 * draft restorable; the audit chain written by all instances verifies.
 */
@RunsAlone
@OneStore
class HistoryClusterTest {
    static final int CLIENTS = 20;
    /** Each of the three instances is killed once. */
    static final int KILLS = 3;
    @TempDir
    Path dir;

    @Test
    // Each phase has its own bound (operations 60 s, an instance's restart 120 s); the whole stays under 10 minutes even
    // on a 2-core machine busy with other builds, where one JVM start alone took 30-60 s (300 s was too tight there).
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void killingInstancesDuringRandomHistories_breaksNoPromise() throws Exception {
        History history = new History(IntStream.rangeClosed(1, 50).mapToObj(i -> "catheter:k" + i).toList(), Cluster.LEASE_TTL);
        try (Cluster cluster = new Cluster(dir, 3)) {
            History.Target balancer = cluster.balancer::base;
            history.createRecords(balancer);
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int seed = c;
                clients.add(pool.submit(() -> {
                    history.runClient(balancer, "nurse" + seed, new SplittableRandom(seed * 7919L + 11), running);
                    return null;
                }));
            }
            SplittableRandom random = new SplittableRandom(7);
            for (int k = 0; k < KILLS; k++) {
                history.awaitOperations(200 + random.nextInt(200));
                ServerProcess victim = cluster.instance(1 + k % 3);
                victim.kill();
                history.awaitOperations(100);
                victim.start();
            }
            history.awaitOperations(200);
            running.set(false);
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            History.Report report = history.check(balancer);
            var verify = cluster.call(cluster.balancer.base(), "GET", "/api/admin/audit/verify", "admin", "admin", null, java.util.Map.of());
            System.out.printf("cluster history: %d clients on %d records via HAProxy, %d operations (%d unknown outcomes), %d kill -9 of"
                    + " instances, %d grants, %d saves, %d drafts checked, violations = %d, audit chain intact = %s (%s entries)%n",
                    CLIENTS, history.resources.size(), history.history.size(), history.history.stream().filter(History.Op::unknown).count(),
                    KILLS, report.grants, report.saves, report.drafts, report.violations.size(), verify.body().path("intact").asText(),
                    verify.body().path("entries").asText());
            assertThat(report.violations).isEmpty();
            assertThat(report.grants).as("the history exercised grants").isGreaterThan(50);
            assertThat(report.saves).as("and saves").isGreaterThan(20);
            assertThat(verify.status()).as(verify.body().toString()).isEqualTo(200);
            assertThat(verify.body().path("intact").asBoolean()).isTrue();
        }
    }
}
