package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.baton.store.jdbc.contract.Backend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 14: a restart on a current schema skips Flyway; anything else still goes to Flyway. On both databases. */
class MigrationsTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void latestMigration_isTheNewestFileTheBuildShips(Dialect dialect) throws IOException, URISyntaxException {
        Path folder = Path.of(MigrationsTest.class.getClassLoader().getResource(dialect.migrations().substring("classpath:".length())).toURI());
        int newest;
        try (Stream<Path> files = Files.list(folder)) {
            newest = files.map(f -> VERSIONED.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(dialect.latestMigration()).as("Dialect.%s.latestMigration() must name the newest migration file, V%d", dialect, newest)
                .isEqualTo(newest);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMigratedSchema_isCurrent_butAFailedOrMissingNewestMigrationIsNot(Backend backend) {
        Dialect dialect = backend == Backend.SQLITE ? Dialect.SQLITE : Dialect.POSTGRES;
        String no = backend == Backend.SQLITE ? "0" : "false";
        String yes = backend == Backend.SQLITE ? "1" : "true";
        String newest = "'" + dialect.latestMigration() + "'";
        try (var opened = backend.open(dir)) {
            Database db = opened.first();
            assertThat(current(db, dialect)).as("just migrated").isTrue();

            db.inTransaction(c -> c.createStatement().executeUpdate("update flyway_schema_history set success = " + no + " where version = " + newest));
            assertThat(current(db, dialect)).as("the newest migration failed: Flyway must look").isFalse();
            db.inTransaction(c -> c.createStatement().executeUpdate("update flyway_schema_history set success = " + yes + " where version = " + newest));

            assertThat(current(opened.reopen(), dialect)).as("a restart on the current schema").isTrue();

            opened.first().inTransaction(c -> c.createStatement().executeUpdate("delete from flyway_schema_history where version = " + newest));
            assertThat(current(opened.first(), dialect)).as("an older schema: Flyway must migrate").isFalse();
        }
    }

    private static boolean current(Database db, Dialect dialect) {
        Boolean current = db.read(c -> Migrations.current(c, dialect));
        return current;
    }
}
