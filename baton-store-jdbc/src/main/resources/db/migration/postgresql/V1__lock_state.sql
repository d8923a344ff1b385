-- Live lock state of each resource, one row per resource, written only by compare-and-set on version.
-- state is the store's JSON of the core's LockState; the other columns are derived from it so that queries
-- (locks per user, admin views, due deadlines) and the record store's fence check need no decoding.
CREATE TABLE lock_state (
    resource_id       TEXT    NOT NULL PRIMARY KEY,
    version           BIGINT  NOT NULL,
    state             TEXT    NOT NULL,
    holder_user_id    TEXT,
    holder_session_id TEXT,
    lease_id          TEXT,
    current_fence     BIGINT,
    lease_expires_at  BIGINT,
    max_fence         BIGINT  NOT NULL,
    idle              INTEGER NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX lock_state_holder ON lock_state (holder_user_id);
CREATE INDEX lock_state_idle ON lock_state (idle);
