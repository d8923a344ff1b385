package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM commits rows one transaction at a time and prints each id once its commit returned (the
 * acknowledgement); the test kills it with SIGKILL mid-stream, reopens the database and requires every
 * acknowledged row to be there.
 */
class KillDurabilityTest {
    static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyAcknowledgedCommit_survivesKillDashNine() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Writer.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> acknowledged = new ArrayList<>();
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
                acknowledged.add(Long.parseLong(line.trim()));
            }
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).hasSize(ACKS_BEFORE_KILL);
        try (Database db = Database.open(dir)) {
            List<Long> stored = db.read(c -> {
                List<Long> ids = new ArrayList<>();
                ResultSet rs = c.createStatement().executeQuery("select max_fence from lock_state");
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                return ids;
            });
            assertThat(stored).containsAll(acknowledged);
        }
    }

    /** The child process: writes and acknowledges until killed. */
    public static final class Writer {
        public static void main(String[] args) {
            try (Database db = Database.open(Path.of(args[0]))) {
                for (long i = 1; ; i++) {
                    long id = i;
                    db.inTransaction(c -> {
                        try (PreparedStatement insert = c.prepareStatement(
                                "insert into lock_state (resource_id, version, state, max_fence, idle, updated_at) values (?, 1, 'x', ?, 1, 0)")) {
                            insert.setString(1, "kill:" + id + ":main");
                            insert.setLong(2, id);
                            return insert.executeUpdate();
                        }
                    });
                    System.out.println(id);
                    System.out.flush();
                }
            }
        }
    }
}
