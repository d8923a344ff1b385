package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY.md's history check on the real server process ({@link History}): several clients work on a few
 * records at random while the server is killed with {@code kill -9} and restarted; then the history is checked.
 * Bounded: a fixed number of kills and a fixed duration.
 */
class FaultHistoryTest {
    static final int CLIENTS = 6;
    static final int KILLS = 3;
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killDashNineDuringRandomHistories_breaksNoPromise() throws Exception {
        History history = new History(List.of("catheter:h1", "catheter:h2", "catheter:h3"), java.time.Duration.ofSeconds(300));
        try (ServerProcess server = new ServerProcess(dataDir, Map.of())) {
            server.start();
            History.Target target = server::base;
            history.createRecords(target);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger faults = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int seed = c;
                clients.add(pool.submit(() -> {
                    history.runClient(target, "nurse" + seed, new SplittableRandom(seed * 7919L), running);
                    return null;
                }));
            }
            SplittableRandom random = new SplittableRandom(42);
            for (int k = 0; k < KILLS; k++) {
                history.awaitOperations(150 + random.nextInt(150));
                server.kill();
                faults.incrementAndGet();
                server.start();
            }
            history.awaitOperations(200);
            running.set(false);
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            server.kill();
            server.start();
            History.Report report = history.check(target);
            System.out.printf("fault history: %d clients, %d operations (%d unknown outcomes), %d kill -9, %d grants, %d saves, %d drafts checked,"
                    + " violations = %d%n", CLIENTS, history.history.size(), history.history.stream().filter(History.Op::unknown).count(),
                    faults.get(), report.grants, report.saves, report.drafts, report.violations.size());
            assertThat(report.violations).isEmpty();
            // About 80% of the operations are acquires refused while someone holds the record, so ~900 operations make
            // ~20 grants (one per release): a bound of 20 failed half the runs. 10 still proves the history handed locks on.
            assertThat(report.grants).as("the history exercised grants").isGreaterThan(10);
            assertThat(report.saves).as("and saves").isGreaterThan(5);
        }
    }
}
