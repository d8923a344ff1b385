package org.baton.store.jdbc.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.function.Supplier;
import org.baton.core.cluster.SharedSecrets;
import org.baton.store.jdbc.Database;

/** {@link SharedSecrets} in the {@code shared_secrets} table: insert-if-absent, then read what won. */
public final class JdbcSharedSecrets implements SharedSecrets {
    private final Database database;

    public JdbcSharedSecrets(Database database) {
        this.database = database;
    }

    @Override
    public String getOrCreate(String name, Supplier<String> generator) {
        String candidate = generator.get();
        return database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into shared_secrets (name, value) values (?, ?) on conflict (name) do nothing")) {
                insert.setString(1, name);
                insert.setString(2, candidate);
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("select value from shared_secrets where name = ?")) {
                select.setString(1, name);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}
