package org.baton.server;

import java.nio.file.Path;
import java.time.Instant;
import org.baton.server.config.BatonConfig;
import org.baton.store.jdbc.Backups;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.PostgresOptions;

/**
 * The operator's commands beside serving ({@code java -jar baton.jar <command>}), with the same configuration as the
 * server (docs/deploy.md, Backup and restore):
 * <ul>
 *   <li>{@code backup <file>}: a consistent copy of the embedded database, taken while Baton runs;</li>
 *   <li>{@code restore <file>}: puts a backup in place (Baton stopped) and raises the fence floor;</li>
 *   <li>{@code raise-fences}: raises the fence floor after PostgreSQL was restored with its own tools.</li>
 * </ul>
 * Each prints one line saying what it did, and exits non-zero with one line saying why when it cannot.
 */
final class Maintenance {
    private Maintenance() {
    }

    /** True when {@code args} name a maintenance command (then it has run and printed its outcome). */
    static boolean run(String[] args, BatonConfig config) {
        if (args.length == 0) {
            return false;
        }
        switch (args[0]) {
            case "backup" -> {
                requireSqlite(config, "backup", "take a backup with pg_dump or pg_basebackup (docs/deploy.md)");
                Path target = Path.of(argument(args, "backup <file>"));
                Backups.backupSqlite(config.dataDir(), target);
                System.out.println("baton: backup of " + config.dataDir().toAbsolutePath() + " written to " + target.toAbsolutePath());
            }
            case "restore" -> {
                requireSqlite(config, "restore", "restore with pg_restore or your base backup, then run 'raise-fences' (docs/deploy.md)");
                Path from = Path.of(argument(args, "restore <file>"));
                long floor = Backups.restoreSqlite(config.dataDir(), from, Instant.now());
                System.out.println("baton: restored " + from.toAbsolutePath() + " into " + config.dataDir().toAbsolutePath()
                        + "; the replaced files are kept beside it; fencing tokens continue above " + floor);
            }
            case "raise-fences" -> {
                try (Database database = open(config)) {
                    long floor = Backups.raiseFenceFloor(database, Instant.now());
                    System.out.println("baton: fencing tokens continue above " + floor);
                }
            }
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'; the commands are backup <file>, restore <file>,"
                    + " raise-fences (or none, to serve)");
        }
        return true;
    }

    private static Database open(BatonConfig config) {
        BatonConfig.Store store = config.store();
        return store.postgres()
                ? Database.openPostgres(new PostgresOptions(store.url(), store.user(), store.password(), 2, store.timeout()))
                : Database.open(config.dataDir());
    }

    private static void requireSqlite(BatonConfig config, String command, String instead) {
        if (config.store().postgres()) {
            throw new IllegalArgumentException("'" + command + "' is for the embedded database; on PostgreSQL " + instead);
        }
    }

    private static String argument(String[] args, String usage) {
        if (args.length != 2 || args[1].isBlank()) {
            throw new IllegalArgumentException("usage: java -jar baton.jar " + usage);
        }
        return args[1];
    }
}
