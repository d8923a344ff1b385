package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.RefusalCode;
import org.baton.core.store.HolderGuard;
import org.baton.core.store.LockStore;
import org.baton.core.store.LockWrite;
import java.time.Instant;
import org.baton.core.Actor;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockPolicy;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceId;
import org.baton.core.store.InMemoryLockStore;
import org.baton.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decision and its journal (the audit trail) are committed together, or neither is. */
class JournaledLockStoreTest {
    static final ResourceId A = ResourceId.parse("patient:1");
    static final Actor SHARMA = new Actor("sharma", "Dr. Priya Sharma", List.of("attending"), "s1");
    @TempDir
    Path dir;

    /** A state held by Sharma, as the core would produce it. */
    static LockState held() {
        var clock = new ManualClock(Instant.parse("2026-01-13T09:00:00Z"));
        var coordinator = new LockCoordinator(new InMemoryLockStore(), PolicyBook.of(LockPolicy.defaults()), clock, () -> "lease-1");
        return coordinator.apply(A, new Command.Acquire(SHARMA, Command.IfHeld.DENY)).state();
    }

    private static EventJournal recordingTo(List<String> written) {
        return (c, events) -> {
            try (PreparedStatement insert = c.prepareStatement("insert into journal_probe values (?)")) {
                for (LockEvent e : events) {
                    insert.setString(1, e.getClass().getSimpleName());
                    insert.executeUpdate();
                    written.add(e.getClass().getSimpleName());
                }
            }
        };
    }

    @Test
    void aWrittenDecision_carriesItsEvents_inTheSameTransaction() {
        try (Database db = Database.open(dir)) {
            db.inTransaction(c -> c.createStatement().executeUpdate("create table journal_probe (name text)"));
            List<String> written = new ArrayList<>();
            JdbcLockStore store = new JdbcLockStore(db, recordingTo(written), Announcer.NONE);
            LockState held = held();
            var refused = new LockEvent.Refused(A, SHARMA, "Acquire", RefusalCode.LOCK_HELD);
            assertThat(store.compareAndSet(A, 0, new LockWrite(held, HolderGuard.NONE, List.of(refused), null, null, java.time.Instant.EPOCH))).isEqualTo(LockStore.CasResult.WRITTEN);
            assertThat(store.compareAndSet(A, 0, new LockWrite(held, HolderGuard.NONE, List.of(refused), null, null, java.time.Instant.EPOCH))).as("a conflict journals nothing")
                    .isEqualTo(LockStore.CasResult.VERSION_CONFLICT);
            store.journal(List.of(refused));
            assertThat(rows(db)).isEqualTo(2);
        }
    }

    @Test
    void aJournalThatFails_leavesTheDecisionUnwritten() {
        try (Database db = Database.open(dir)) {
            JdbcLockStore store = new JdbcLockStore(db, (c, events) -> {
                throw new SQLException("the audit table is gone");
            }, Announcer.NONE);
            var refused = new LockEvent.Refused(A, SHARMA, "Acquire", RefusalCode.LOCK_HELD);
            assertThatThrownBy(() -> store.compareAndSet(A, 0, new LockWrite(held(), HolderGuard.NONE, List.of(refused), null, null, java.time.Instant.EPOCH)))
                    .hasMessageContaining("the audit table is gone");
            assertThat(store.load(A).version()).as("no decision without its audit entry").isZero();
        }
    }

    private static int rows(Database db) {
        return db.read(c -> {
            var rs = c.createStatement().executeQuery("select count(*) from journal_probe");
            rs.next();
            return rs.getInt(1);
        });
    }
}
