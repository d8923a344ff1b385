package org.baton.store.jdbc.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.cluster.InstanceRegistry;
import org.baton.store.jdbc.Database;

/**
 * {@link InstanceRegistry} on either database. Reaping is one conditional UPDATE (only rows not yet dead), so when
 * several instances find the same one dead at once, exactly one of them gets its id back and handles its sessions.
 */
public final class JdbcInstanceRegistry implements InstanceRegistry {
    private final Database database;

    public JdbcInstanceRegistry(Database database) {
        this.database = database;
    }

    @Override
    public void register(String instanceId, String name, Instant now) {
        database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into instances (instance_id, name, started_at, heartbeat_at, dead_at) values (?, ?, ?, ?, null)")) {
                insert.setString(1, instanceId);
                insert.setString(2, name);
                insert.setLong(3, now.toEpochMilli());
                insert.setLong(4, now.toEpochMilli());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public boolean heartbeat(String instanceId, Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("update instances set heartbeat_at = ? where instance_id = ? and dead_at is null")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, instanceId);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<String> reap(Instant deadBefore, String ownName, String ownInstanceId, Instant now) {
        return database.inTransaction(c -> {
            List<String> reaped = new ArrayList<>();
            try (PreparedStatement update = c.prepareStatement("update instances set dead_at = ? where dead_at is null and instance_id <> ?"
                    + " and (heartbeat_at < ? or name = ?) returning instance_id")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, ownInstanceId);
                update.setLong(3, deadBefore.toEpochMilli());
                update.setString(4, ownName);
                try (ResultSet rs = update.executeQuery()) {
                    while (rs.next()) {
                        reaped.add(rs.getString(1));
                    }
                }
            }
            return reaped;
        });
    }

    @Override
    public void deregister(String instanceId, Instant now) {
        database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("update instances set dead_at = ? where instance_id = ? and dead_at is null")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, instanceId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public List<Instance> live() {
        return database.read(c -> {
            List<Instance> live = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "select instance_id, name, started_at, heartbeat_at from instances where dead_at is null order by started_at");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    live.add(new Instance(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
            return live;
        });
    }

    @Override
    public int forgetDeadBefore(Instant cutoff) {
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("delete from instances where dead_at < ? and not exists"
                    + " (select 1 from client_sessions s where s.instance_id = instances.instance_id)")) {
                delete.setLong(1, cutoff.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }
}
