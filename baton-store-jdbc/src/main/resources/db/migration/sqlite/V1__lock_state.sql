-- Live lock state of each resource, one row per resource, written only by compare-and-set on version.
-- state is the core's LockStateCodec text; the other columns are derived from it by the store so that
-- queries (locks per user, admin views) and the record store's fence check need no decoding.
CREATE TABLE lock_state (
    resource_id       TEXT    NOT NULL PRIMARY KEY,
    version           INTEGER NOT NULL,
    state             TEXT    NOT NULL,
    holder_user_id    TEXT,
    holder_session_id TEXT,
    lease_id          TEXT,
    current_fence     INTEGER,
    lease_expires_at  INTEGER,
    max_fence         INTEGER NOT NULL,
    idle              INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX lock_state_holder ON lock_state (holder_user_id);
CREATE INDEX lock_state_idle ON lock_state (idle);
